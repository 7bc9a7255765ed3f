using ImSignalR.FunctionalTests.Cluster;
using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests.Groups;

/// <summary>Issue 16: G1–G3 and G5 for groups across a node kill and a Redis restart (data lost).</summary>
// With the other cluster suites, not beside them: deployments on one MariaDB run one at a time (their node ids repeat).
[Collection(ClusterCollection.Name)]
public sealed class GroupRecoveryTests
{
    [Fact]
    public async Task AnOfflineMemberSyncsFiveHundredGroupMessagesAcrossANodeKillAndARedisRestartEachOnceWithNoRepeatedSeq()
    {
        await using var cluster = await ClusterFixture.StartAsync(extra: new Dictionary<string, string>
        {
            ["Im__Limits__SendsPerSecond"] = "10000",
            ["Im__Limits__SendBurst"] = "10000",
        });
        var (node1, node2) = (cluster.Nodes[0], cluster.Nodes[1]);
        var (aliceId, bobId, carolId) = (HubFixture.NewUser("alice"), HubFixture.NewUser("bob"), HubFixture.NewUser("carol"));
        var accepted = new Dictionary<string, long>(); // clientMsgId -> seq
        string groupId;
        string chatId;
        await using (var alice = await GroupClient.ConnectAsync(node1, aliceId))
        {
            var group = await alice.CreateAsync("recovery", bobId, carolId);
            (groupId, chatId) = (group.GroupId, group.ChatId);
            for (var i = 0; i < 200; i++)
            {
                var id = $"a-{i}";
                accepted[id] = (await alice.SendAsync(groupId, $"before {i}", clientMsgId: id)).Seq;
            }
        }

        // Redis loses everything: the seq counters and the dedupe keys. The store's highest seq is the floor from here on.
        cluster.Redis.Kill();
        await Task.Delay(500);
        await cluster.Redis.StartAsync();
        await Eventually.TrueAsync(async () => await node2.ReadinessAsync() == "Healthy", "node 2 reconnected to Redis", TimeSpan.FromSeconds(30));
        await using (var bob = await GroupClient.ConnectAsync(node2, bobId))
        {
            for (var i = 0; i < 150; i++)
            {
                var id = $"b-{i}";
                accepted[id] = (await bob.SendAsync(groupId, $"after redis {i}", clientMsgId: id)).Seq;
            }
            // A resend of a message from before the restart: the dedupe key is gone, the store's unique key answers.
            var resend = await bob.SendAsync(groupId, "dup?", clientMsgId: "b-0");
            Assert.True(resend.Duplicate);
            Assert.Equal(accepted["b-0"], resend.Seq);
        }

        node1.Kill();
        await using (var bob = await GroupClient.ConnectAsync(node2, bobId))
        {
            for (var i = 150; i < 300; i++)
            {
                var id = $"b-{i}";
                accepted[id] = (await bob.SendAsync(groupId, $"after kill {i}", clientMsgId: id)).Seq;
            }
        }
        Assert.Equal(accepted.Count, accepted.Values.Distinct().Count()); // no seq handed out twice

        // Carol was offline throughout: she pages through the group from node 2.
        await using var carol = await GroupClient.ConnectAsync(node2, carolId);
        var seen = new List<ImSignalR.Contracts.ImMessage>();
        long after = 0;
        while (true)
        {
            var page = await carol.SyncAsync(chatId, after, 200);
            seen.AddRange(page.Messages);
            if (!page.HasMore)
            {
                break;
            }
            after = page.Messages[^1].Seq;
        }
        var userMessages = seen.Where(m => m.MsgFormat == 1).ToList();
        Assert.Equal(500, userMessages.Count);
        Assert.Equal(seen.Count, seen.Select(m => m.Seq).Distinct().Count());
        Assert.Equal(seen.Select(m => m.Seq).Order(), seen.Select(m => m.Seq));
        Assert.Equal(accepted.Keys.Order(StringComparer.Ordinal), userMessages.Select(m => m.ClientMsgId).Order(StringComparer.Ordinal));
        Assert.All(userMessages, m => Assert.Equal(accepted[m.ClientMsgId], m.Seq));
    }
}
