using ImSignalR.FunctionalTests.Cluster;
using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests.Groups;

/// <summary>Issue 16 on two hub nodes, Redis and MariaDB: one publish per message reaches every device on both nodes.</summary>
// With the other cluster suites, not beside them: deployments on one MariaDB run one at a time (their node ids repeat).
[Collection(ClusterCollection.Name)]
public sealed class GroupClusterTests
{
    [Fact]
    public async Task ThreeUsersOnTwoNodesCreateAGroupAndEveryDeviceReceivesEachMessageOnceInSeqOrder()
    {
        await using var cluster = await ClusterFixture.StartAsync(extra: new Dictionary<string, string>
        {
            ["Im__Limits__SendsPerSecond"] = "10000",
            ["Im__Limits__SendBurst"] = "10000",
        });
        var (node1, node2) = (cluster.Nodes[0], cluster.Nodes[1]);
        var (aliceId, bobId, carolId) = (HubFixture.NewUser("alice"), HubFixture.NewUser("bob"), HubFixture.NewUser("carol"));
        await using var alicePhone = await GroupClient.ConnectAsync(node1, aliceId);
        await using var aliceTablet = await GroupClient.ConnectAsync(node2, aliceId, "messagepack");
        await using var bob = await GroupClient.ConnectAsync(node2, bobId);
        await using var carol = await GroupClient.ConnectAsync(node1, carolId, "messagepack");

        var group = await alicePhone.CreateAsync("two nodes", bobId, carolId);
        var sent = new List<long>();
        for (var i = 0; i < 10; i++)
        {
            var sender = i % 3 == 2 ? bob : alicePhone;
            sent.Add((await sender.SendAsync(group.GroupId, $"m{i}")).Seq);
        }
        Assert.Equal(Enumerable.Range(2, 10).Select(i => (long)i), sent);

        // The system message (seq 1) and the ten messages: every device gets each once, in seq order, except its own sends.
        await Eventually.TrueAsync(() => bob.Received.Count >= 8 && carol.Received.Count >= 11 && aliceTablet.Received.Count >= 11
            && alicePhone.Received.Count >= 3, "every device on both nodes gets the group's messages");
        await Task.Delay(300); // a late duplicate would show up now
        foreach (var device in new[] { alicePhone, aliceTablet, bob, carol })
        {
            var seqs = device.Received.Where(m => m.ChatId == group.ChatId).Select(m => m.Seq).ToArray();
            Assert.Equal(seqs.Distinct().Count(), seqs.Length);
            Assert.Equal(seqs.Order(), seqs);
        }
        Assert.Equal(11, carol.Received.Count);
        Assert.Equal(11, aliceTablet.Received.Count); // the sender's other device, on the other node
        Assert.Equal(8, bob.Received.Count); // all but his own three
        Assert.Equal(4, alicePhone.Received.Count); // seq 1 is pushed to every member, bob's three
        Assert.All(carol.Received, m => Assert.Equal(group.GroupId, m.GroupId));

        // Reading on node 2 moves the cursor that node 1 reports.
        var last = (await carol.SyncAsync(group.ChatId)).Messages[^1];
        Assert.Equal(1, (await bob.ReadAsync(last.MsgId)).Acked);
        var receipts = await alicePhone.ReceiptsAsync(group.ChatId, last.Seq);
        Assert.Equal([bobId], receipts.Readers);
        Assert.Equal((1, 1), (receipts.ReadCount, receipts.UnreadCount));
        Assert.Equal(0, (await bob.ConversationsAsync()).Single(c => c.ChatId == group.ChatId).Unread);
        Assert.Equal(11, (await carol.ConversationsAsync()).Single(c => c.ChatId == group.ChatId).Unread); // the creation and the ten, none hers

        // A removal on node 1 takes bob's connection on node 2 out of the group at once.
        await alicePhone.RemoveAsync(group.GroupId, bobId);
        var afterRemoval = await alicePhone.SendAsync(group.GroupId, "bob is gone");
        await Eventually.TrueAsync(() => carol.Received.Any(m => m.Seq == afterRemoval.Seq), "carol gets the next message");
        await Task.Delay(300);
        Assert.DoesNotContain(bob.Received, m => m.Seq == afterRemoval.Seq);
        Assert.Contains(bob.Received, m => m.MsgFormat == 202);
    }
}
