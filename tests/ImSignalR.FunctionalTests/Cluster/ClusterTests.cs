using System.Collections.Concurrent;
using Microsoft.AspNetCore.SignalR.Client;
using ImSignalR.Contracts;
using ImSignalR.Client;
using ImSignalR.FunctionalTests.Infrastructure;
using ImSignalR.Redis.State;

namespace ImSignalR.FunctionalTests.Cluster;

/// <summary>
/// Issue 4 acceptance: real hub processes on Redis + MariaDB, driven by the .NET SDK; run on one Redis server
/// (<see cref="ClusterTests"/>) and on a 3-master Redis Cluster (<see cref="RedisClusterTests"/>).
/// </summary>
public abstract class ClusterSuite(ClusterRedis redis)
{
    protected Task<ClusterFixture> StartAsync() => ClusterFixture.StartAsync(redis: redis);

    [Fact]
    public async Task SendPushAckAndStatusWorkAcrossNodesAndReachEveryDevice()
    {
        await using var cluster = await StartAsync();
        var (node1, node2) = (cluster.Nodes[0], cluster.Nodes[1]);
        var aliceId = HubFixture.NewUser("alice");
        var bobId = HubFixture.NewUser("bob");
        await using var alice = await RecordingClient.ConnectAsync(node1, aliceId);
        await using var aliceTablet = await RecordingClient.ConnectAsync(node2, aliceId);
        await using var bobPhone = await RecordingClient.ConnectAsync(node2, bobId);
        await using var bobLaptop = await RecordingClient.ConnectAsync(node1, bobId);

        var sent = await alice.SendAsync(bobId, "across nodes");

        await Eventually.TrueAsync(() => bobPhone.Received.Count >= 1 && bobLaptop.Received.Count >= 1, "both of bob's devices get it");
        Assert.Equal(sent.MsgId, bobPhone.Received.First().MsgId);
        Assert.Equal(sent.MsgId, bobLaptop.Received.First().MsgId);
        await Eventually.TrueAsync(() => aliceTablet.Received.Count == 1, "alice's other device on node 2 gets her message");
        Assert.Equal(sent.MsgId, aliceTablet.Received.Single().MsgId);

        await bobPhone.Client.AckAsync([sent.MsgId], "Delivered");
        await bobLaptop.Client.MarkReadAsync([sent.MsgId]);
        await Eventually.TrueAsync(() => alice.Statuses.Count == 2, "alice on node 1 sees Delivered and Read from node 2 and node 1");
        Assert.Equal(["Delivered", "Read"], alice.Statuses.Select(s => s.Status));
        Assert.Empty(alice.Received); // the sending device does not get its own copy
    }

    [Fact]
    public async Task ABlockOnOneNodeRefusesTheNextSendOnTheOtherAndAnUnblockLetsItThrough()
    {
        await using var cluster = await StartAsync();
        var (node1, node2) = (cluster.Nodes[0], cluster.Nodes[1]);
        var aliceId = HubFixture.NewUser("alice");
        var bobId = HubFixture.NewUser("bob");
        await using var alice = await RecordingClient.ConnectAsync(node1, aliceId);
        await using var bob = await RecordingClient.ConnectAsync(node2, bobId);
        await alice.SendAsync(bobId, "before"); // node 1 now caches bob's (empty) block list

        Assert.True((await bob.Client.BlockAsync(aliceId)).Blocked); // the .NET SDK's wrappers
        // Node 1 drops its cached list on node 2's pub/sub notice, not after its 60 s expiry. The notice lands a moment
        // after the block returns (on a loaded Redis Cluster, once later than the client's next call): a send in that
        // moment still goes through, is stored and delivered like any other; one after it is refused.
        var slipped = new List<string>();
        await Eventually.TrueAsync(async () =>
        {
            var content = $"in the block's moment {slipped.Count}";
            try
            {
                await alice.SendAsync(bobId, content, clientMsgId: $"after-block-{slipped.Count}");
                slipped.Add(content);
                return false;
            }
            catch (ImServerException ex) when (ex.Code == "IM_BLOCKED")
            {
                return true;
            }
        }, "node 1 refuses alice's send after bob's block", TimeSpan.FromSeconds(5));
        Assert.Equal([aliceId], await bob.Client.GetBlockedUsersAsync());
        var typing = new ConcurrentQueue<ImSignalR.Contracts.TypingNotice>();
        alice.Client.TypingReceived += t =>
        {
            typing.Enqueue(t);
            return Task.CompletedTask;
        };
        // Bob blocked alice, not the other way round: alice on node 1 still sees bob typing (SDK throttle: one call).
        bob.Client.NotifyTyping(ImSignalR.Domain.Identity.ChatIds.ForPair(aliceId, bobId));
        bob.Client.NotifyTyping(ImSignalR.Domain.Identity.ChatIds.ForPair(aliceId, bobId));
        await Eventually.TrueAsync(() => typing.Count == 1, "alice sees bob typing", TimeSpan.FromSeconds(5));

        Assert.False((await bob.Client.UnblockAsync(aliceId)).Blocked);
        // The notice reaches node 1 by pub/sub a moment after the unblock returns (on a loaded Redis Cluster, later than
        // the client's next call): a send in that moment is still refused and stored nowhere, and one after it goes through.
        SendResult? sent = null;
        await Eventually.TrueAsync(async () =>
        {
            try
            {
                sent = await alice.SendAsync(bobId, "after the unblock", clientMsgId: "after-unblock");
                return true;
            }
            catch (ImServerException ex) when (ex.Code == "IM_BLOCKED")
            {
                return false;
            }
        }, "node 1 sees the unblock", TimeSpan.FromSeconds(5));
        await Eventually.TrueAsync(() => bob.Received.Any(m => m.MsgId == sent!.MsgId), "bob gets it");
        var history = await bob.Client.SyncAsync(sent!.ChatId, 0, 50);
        Assert.Equal(["before", .. slipped, "after the unblock"], history.Messages.Select(m => m.Content)); // nothing of the refused sends
    }

    [Fact]
    public async Task TypingAndPresenceWorkAcrossNodesAndOnlyBetweenContacts()
    {
        await using var cluster = await StartAsync();
        var (node1, node2) = (cluster.Nodes[0], cluster.Nodes[1]);
        var aliceId = HubFixture.NewUser("alice");
        var bobId = HubFixture.NewUser("bob");
        await using var alice = await RecordingClient.ConnectAsync(node1, aliceId);
        var bob = await OfficialClients.OfficialClient.ConnectAsync(node2, bobId);
        var typing = new ConcurrentQueue<ImSignalR.Contracts.TypingNotice>();
        bob.On<ImSignalR.Contracts.TypingNotice>("Typing", typing.Enqueue);
        await using var aliceApp = await OfficialClients.OfficialClient.ConnectAsync(node1, aliceId); // a second device of alice's
        var sent = await alice.SendAsync(bobId, "hi");

        for (var i = 0; i < 10; i++)
        {
            await aliceApp.InvokeAsync("Typing", new ImSignalR.Contracts.TypingRequest { ChatId = sent.ChatId });
        }
        await Eventually.TrueAsync(() => !typing.IsEmpty, "bob on node 2 sees alice typing");
        await Task.Delay(300);
        var seen = Assert.Single(typing); // ten calls in a burst: one event
        Assert.Equal((sent.ChatId, aliceId), (seen.ChatId, seen.UserId));

        var presence = await aliceApp.InvokeAsync<ImSignalR.Contracts.PresenceInfo[]>(
            "GetPresence", new ImSignalR.Contracts.PresenceRequest { UserIds = [bobId, "stranger-1"] });
        Assert.True(presence[0].Online); // bob is on node 2
        Assert.False(presence[1].Online);
        await bob.DisposeAsync();
        await Eventually.TrueAsync(async () =>
        {
            var after = await aliceApp.InvokeAsync<ImSignalR.Contracts.PresenceInfo[]>(
                "GetPresence", new ImSignalR.Contracts.PresenceRequest { UserIds = [bobId] });
            return !after[0].Online && after[0].LastSeen is > 0;
        }, "bob offline with a last-seen time");
    }

    [Fact]
    public async Task ARecallReachesEveryDeviceOnBothNodesLeavesAPlaceholderAndIsRefusedToOthersAndAfterTheWindow()
    {
        await using var cluster = await ClusterFixture.StartAsync(redis: redis, extra: new Dictionary<string, string> { ["Im__Messaging__RecallWindow"] = "00:00:03" });
        var (node1, node2) = (cluster.Nodes[0], cluster.Nodes[1]);
        var aliceId = HubFixture.NewUser("alice");
        var bobId = HubFixture.NewUser("bob");
        await using var alice = await RecordingClient.ConnectAsync(node1, aliceId);
        await using var aliceTablet = await RecordingClient.ConnectAsync(node2, aliceId);
        await using var bobPhone = await RecordingClient.ConnectAsync(node2, bobId);
        await using var bobLaptop = await RecordingClient.ConnectAsync(node1, bobId);
        await using var carol = await RecordingClient.ConnectAsync(node1, HubFixture.NewUser("carol"));
        var heard = new ConcurrentDictionary<string, int>();
        foreach (var (name, device) in new[] { ("alice", alice), ("aliceTablet", aliceTablet), ("bobPhone", bobPhone), ("bobLaptop", bobLaptop) })
        {
            device.Client.MessageRecalled += _ =>
            {
                heard.AddOrUpdate(name, 1, (_, n) => n + 1);
                return Task.CompletedTask;
            };
        }
        var sent = await alice.SendAsync(bobId, "wrong chat, sorry");
        var kept = await alice.SendAsync(bobId, "this one stays");

        await Assert.ThrowsAsync<ImServerException>(() => bobPhone.Client.RecallAsync(sent.MsgId)); // not the sender
        Assert.Equal("IM_NOT_FOUND", (await Assert.ThrowsAsync<ImServerException>(() => carol.Client.RecallAsync(sent.MsgId))).Code);
        var recalled = await aliceTablet.Client.RecallAsync(sent.MsgId); // from alice's other device, on node 2
        Assert.Equal(sent.Seq, recalled.Seq);
        await Eventually.TrueAsync(() => heard.Count == 4, "both of bob's devices and both of alice's hear of it");

        var history = await bobPhone.Client.SyncAsync(sent.ChatId, 0, 50);
        Assert.Equal([(sent.Seq, true, ""), (kept.Seq, false, "this one stays")], history.Messages.Select(m => (m.Seq, m.Recalled, m.Content)));
        await Task.Delay(3200);
        Assert.Equal("IM_RECALL_WINDOW_PASSED", (await Assert.ThrowsAsync<ImServerException>(() => alice.Client.RecallAsync(kept.MsgId))).Code);
    }

    [Fact]
    public async Task KillingTheRecipientsNodeLosesNothingAndItsClaimedRetriesAreReplayedByTheOtherNode()
    {
        await using var cluster = await StartAsync();
        var (node1, node2) = (cluster.Nodes[0], cluster.Nodes[1]);
        var bobId = HubFixture.NewUser("bob");
        await using var alice = await RecordingClient.ConnectAsync(node1, HubFixture.NewUser("alice"));
        var bob = await RecordingClient.ConnectAsync(node2, bobId); // never acks: every message stays in the retry queue

        var accepted = new ConcurrentBag<SendResult>();
        using var stop = new CancellationTokenSource();
        var sender = Task.Run(async () =>
        {
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    accepted.Add(await alice.SendAsync(bobId, $"m{i}", clientMsgId: $"k{i}"));
                    i++;
                }
                catch (ImServerException ex) when (ex.IsRetriable)
                {
                    await Task.Delay(20); // retry the same clientMsgId
                }
                await Task.Delay(5);
            }
        });

        await Eventually.TrueAsync(() => bob.Received.Count >= 20, "bob receives on node 2");
        var beforeKill = accepted.Select(a => a.MsgId).ToHashSet();
        node2.Kill();
        await Task.Delay(500);
        await using var bobAgain = await RecordingClient.ConnectAsync(node1, bobId);
        await Task.Delay(1500);
        stop.Cancel();
        await sender;

        // After sync, bob has every accepted message exactly once.
        var chatId = accepted.First().ChatId;
        var synced = new List<ImMessage>();
        SyncResult page;
        do
        {
            page = await bobAgain.Client.SyncAsync(chatId, synced.Count == 0 ? 0 : synced[^1].Seq, 200);
            synced.AddRange(page.Messages);
        }
        while (page.HasMore);
        Assert.Equal(accepted.Select(a => a.MsgId).Order(), synced.Select(m => m.MsgId).Order());
        Assert.Equal(synced.Count, synced.Select(m => m.Seq).Distinct().Count());

        // Messages accepted before the kill were in node 2's pushes/claims; node 1 replays them to bob now.
        await Eventually.TrueAsync(() => bobAgain.Received.Any(m => beforeKill.Contains(m.MsgId)),
            "node 1 replays an entry sent before node 2 died", TimeSpan.FromSeconds(20));
        await bob.DisposeAsync();
    }

    [Fact]
    public async Task AGracefullyStoppedNodesConnectionsStopCountingAtOnce()
    {
        // The official backplane disposes the shared multiplexer when the host is disposed; presence must have
        // removed this node's entries before that, not leave them to expire a lease TTL (15 s) later.
        await using var cluster = await StartAsync();
        var bobId = HubFixture.NewUser("bob");
        var presenceKey = $"{cluster.Prefix}:presence:{{{bobId}}}";
        await using var bob = await RecordingClient.ConnectAsync(cluster.Nodes[1], bobId);
        await Eventually.TrueAsync(async () => (await RedisCli.RunAsync(cluster.RedisConfiguration, "hlen", presenceKey)).SequenceEqual(["1"]),
            "bob's connection is registered");

        await cluster.Nodes[1].StopAsync();

        var left = await RedisCli.RunAsync(cluster.RedisConfiguration, "hlen", presenceKey);
        Assert.Equal(["0"], left);
    }

    /// <summary>
    /// G1/G3/G5 under load while <paramref name="loseData"/> makes Redis lose (some or all of) its data; it gets the
    /// chat ids in use.
    /// </summary>
    protected static async Task<IReadOnlyCollection<SendResult>> RedisDataLossLosesNoAcceptedMessageAndRepeatsNoSeqAsync(
        ClusterFixture cluster, Func<IReadOnlyCollection<string>, Task> loseData, Xunit.Abstractions.ITestOutputHelper output)
    {
        var (node1, node2) = (cluster.Nodes[0], cluster.Nodes[1]);
        var bobId = HubFixture.NewUser("bob");
        await using var alice = await RecordingClient.ConnectAsync(node1, HubFixture.NewUser("alice"));
        await using var carol = await RecordingClient.ConnectAsync(node2, HubFixture.NewUser("carol"));

        var accepted = new ConcurrentBag<SendResult>();
        var refused = 0;
        using var stop = new CancellationTokenSource();
        async Task SendLoop(RecordingClient from, string prefix)
        {
            var i = 0;
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    accepted.Add(await from.SendAsync(bobId, $"{prefix}{i}", clientMsgId: $"{prefix}{i}"));
                    i++;
                }
                catch (ImServerException ex) when (ex.IsRetriable)
                {
                    Interlocked.Increment(ref refused);
                    await Task.Delay(50);
                }
                catch (ImConnectionException)
                {
                    return; // a node dropped this client; the counts below only use accepted sends
                }
            }
        }
        var loops = new[] { Task.Run(() => SendLoop(alice, "a")), Task.Run(() => SendLoop(carol, "c")) };

        await Eventually.TrueAsync(() => accepted.Count >= 50, "traffic before the restart");
        try
        {
            await RestartRedisUnderLoadAsync(cluster, loseData, accepted, stop, loops);
        }
        catch
        {
            // Once seen in CI, not reproduced since: the nodes' own logs say what they were doing.
            output.WriteLine($"accepted {accepted.Count}, refused {refused}\n--- node 1 ---\n{node1.Output}\n--- node 2 ---\n{node2.Output}");
            throw;
        }
        await using var bob = await node2.ExplainFailureAsync("bob's connect after the restart", () => RecordingClient.ConnectAsync(node2, bobId));
        foreach (var chat in accepted.GroupBy(a => a.ChatId))
        {
            var synced = new List<ImMessage>();
            SyncResult page;
            do
            {
                page = await node2.ExplainFailureAsync("bob's sync after the restart", () => bob.Client.SyncAsync(chat.Key, synced.Count == 0 ? 0 : synced[^1].Seq, 200));
                synced.AddRange(page.Messages);
            }
            while (page.HasMore);
            // G5: every accepted message is there; G3: seqs strictly increase, none repeats.
            Assert.Equal(chat.Select(a => a.MsgId).Order(), synced.Select(m => m.MsgId).Order());
            Assert.Equal(synced.Count, synced.Select(m => m.Seq).Distinct().Count());
            Assert.Equal(chat.Select(a => a.Seq).Order(), synced.Select(m => m.Seq));
        }
        return accepted;
    }

    private static async Task RestartRedisUnderLoadAsync(
        ClusterFixture cluster, Func<IReadOnlyCollection<string>, Task> loseData, ConcurrentBag<SendResult> accepted, CancellationTokenSource stop, Task[] loops)
    {
        await loseData(accepted.Select(a => a.ChatId).Distinct().ToArray());
        var countAtRestart = accepted.Count;
        await Eventually.TrueAsync(() => accepted.Count >= countAtRestart + 50, "the nodes recover by themselves and accept again", TimeSpan.FromSeconds(40));
        stop.Cancel();
        await Task.WhenAll(loops);

        // Healthy, not only ready: in the direct-log modes a node without Redis is ready but degraded, and a connection
        // made before its subscription link is back is ended by the backplane (clean CI of 0d8b900).
        await Eventually.TrueAsync(async () => await cluster.Nodes[0].ReadinessAsync() == "Healthy", "node 1 healthy again", TimeSpan.FromSeconds(60));
        await Eventually.TrueAsync(async () => await cluster.Nodes[1].ReadinessAsync() == "Healthy", "node 2 healthy again", TimeSpan.FromSeconds(60));
    }
}

/// <summary>
/// The suite on one private Redis server, plus the Redis restart with data loss, which needs a server the test
/// controls: restarting masters of the shared cluster would disturb every suite running on it.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterTests(Xunit.Abstractions.ITestOutputHelper output) : ClusterSuite(ClusterRedis.PrivateServer)
{
    [Fact]
    public async Task ARedisRestartLosingAllDataLosesNoAcceptedMessageAndRepeatsNoSeq()
    {
        await using var cluster = await StartAsync();
        await RedisDataLossLosesNoAcceptedMessageAndRepeatsNoSeqAsync(cluster, async _ =>
        {
            cluster.Redis.Kill();
            await Task.Delay(1000);
            await cluster.Redis.StartAsync(); // empty: counters, dedupe keys, retry queue, presence all gone
        }, output);
    }
}

/// <summary>
/// The suite on the 3-master Redis Cluster of IM_TEST_REDIS_CLUSTER (fails when it is not set), plus a master of a
/// private cluster restarted empty under load: the counters, markers, retry entries and presence of its slots are
/// lost while the other masters keep theirs.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RedisClusterTests(Xunit.Abstractions.ITestOutputHelper output) : ClusterSuite(ClusterRedis.SharedCluster)
{
    [Fact]
    public async Task ARedisClusterMasterRestartLosingItsDataLosesNoAcceptedMessageAndRepeatsNoSeq()
    {
        await using var cluster = await ClusterFixture.StartAsync(redis: ClusterRedis.PrivateCluster);
        // The master that holds a conversation's counter (and its bucket's marker): G3 must hold although the other
        // masters, and whatever markers they hold, kept their data.
        string? lostChat = null;
        var accepted = await RedisDataLossLosesNoAcceptedMessageAndRepeatsNoSeqAsync(cluster, async chats =>
        {
            lostChat = chats.First();
            var master = await cluster.OwnCluster!.NodeOfAsync(new RedisKeys(cluster.Prefix).Sequence(lostChat).ToString());
            await cluster.OwnCluster.RestartNodeAsync(master, TimeSpan.FromSeconds(1));
        }, output);

        // The restart did hit that counter: it was re-seeded from the store, a jump forward (allowed), not a repeat.
        var seqs = accepted.Where(a => a.ChatId == lostChat).Select(a => a.Seq).Order().ToArray();
        Assert.Contains(seqs.Zip(seqs.Skip(1)), p => p.Second - p.First > 1);
    }
}

[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ClusterCollection
{
    public const string Name = "cluster";
}
