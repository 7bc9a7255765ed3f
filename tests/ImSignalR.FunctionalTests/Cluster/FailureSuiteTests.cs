using System.Collections.Concurrent;
using System.Diagnostics;
using ImSignalR.Client;
using ImSignalR.Contracts;
using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests.Cluster;

/// <summary>
/// Issue 14's failure suite: two real nodes on a private Redis and MariaDB. A node killed between commit and push;
/// Redis restarted empty; Redis stopped for 10 s under load. Recipients are raw clients (no sync, no dedupe), so
/// what they count is pushes only.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class FailureSuiteTests(Xunit.Abstractions.ITestOutputHelper output)
{
    private const string KillPrefix = "kill-after-commit-";

    [Fact]
    public async Task ANodeKilledBetweenCommitAndPushLeavesAResendAnsweredAtOnceAndThePushToAnotherNode()
    {
        await using var cluster = await ClusterFixture.StartAsync(perNode: i => i == 1
            ? new Dictionary<string, string> { ["Im__Faults__KillAfterCommitClientMsgIdPrefix"] = KillPrefix }
            : null);
        var (node1, node2) = (cluster.Nodes[0], cluster.Nodes[1]);
        var aliceId = HubFixture.NewUser("alice");
        var bobId = HubFixture.NewUser("bob");
        await using var bob = await RecordingClient.ConnectAsync(node2, bobId);
        await using (var alice = await RecordingClient.ConnectAsync(node1, aliceId))
        {
            var warm = await alice.SendAsync(bobId, "before", clientMsgId: "warm-1");
            await Eventually.TrueAsync(() => bob.Received.Any(m => m.MsgId == warm.MsgId), "bob gets the first message");
            // The send is committed, then node 1 dies: no dedupe record, no result, no push, no cleanup.
            await Assert.ThrowsAnyAsync<Exception>(() => alice.SendAsync(bobId, "lost push?", clientMsgId: KillPrefix + "1"));
        }
        await Eventually.TrueAsync(() => node1.HasExited, "node 1 killed itself after the commit");

        await using var aliceAgain = await RecordingClient.ConnectAsync(node2, aliceId);
        var clock = Stopwatch.StartNew();
        var resend = await ResendUntilAnsweredAsync(aliceAgain, bobId, KillPrefix + "1", TimeSpan.FromSeconds(40));
        var answeredIn = clock.Elapsed;
        output.WriteLine($"resend answered after {answeredIn.TotalMilliseconds:F0} ms (duplicate: {resend.Duplicate})");

        Assert.True(resend.Duplicate, "the message node 1 committed is the one answered");
        Assert.True(answeredIn < TimeSpan.FromSeconds(2), $"the resend was answered after {answeredIn}, not within 2 s");
        // Node 1's retry entry was scheduled before its commit: node 2's sweeper pushes the message to bob.
        await Eventually.TrueAsync(() => bob.Received.Any(m => m.MsgId == resend.MsgId), "bob gets the push without syncing", TimeSpan.FromSeconds(15));
        var synced = await bob.Client.SyncAsync(resend.ChatId, 0, 50);
        Assert.Equal(2, synced.Messages.Count); // stored once, with the first message
    }

    [Fact]
    public async Task AfterRedisRestartsEmptyNoConnectedRecipientIsTreatedAsOffline()
    {
        await using var cluster = await ClusterFixture.StartAsync(extra: PushPathReport.LogSettings);
        var (node1, node2) = (cluster.Nodes[0], cluster.Nodes[1]);
        var bobId = HubFixture.NewUser("bob");
        await using var bob = await RecordingClient.ConnectAsync(node2, bobId);
        await using var alice = await RecordingClient.ConnectAsync(node1, HubFixture.NewUser("alice"));
        await using var report = new PushPathReport(bob);
        var load = SendLoad.Start([alice], bobId);
        await Eventually.TrueAsync(() => load.Accepted.Count >= 50, "traffic before the restart");

        // Node 2 (bob's) is frozen across the restart, so it re-registers bob only seconds after node 1 is back: the
        // gap in which node 1 used to take bob for offline (no push, no replay).
        report.Note("freezing node 2");
        await node2.FreezeAsync();
        cluster.Redis.Kill();
        report.Note("Redis killed");
        await Task.Delay(1000);
        await cluster.Redis.StartAsync(); // empty: presence registrations are gone
        report.Note("Redis started empty");
        await Eventually.TrueAsync(async () => await node1.ReadinessAsync() == "Healthy", "node 1 reconnected to Redis", TimeSpan.FromSeconds(30));
        var reconnected = Stopwatch.GetTimestamp();
        report.Note($"node 1 healthy ({load.Accepted.Count} accepted so far)");
        await Task.Delay(2000);
        await node2.ThawAsync();
        report.Note("node 2 thawed");
        await Eventually.TrueAsync(async () => await node2.ReadinessAsync() == "Healthy", "node 2 reconnected to Redis", TimeSpan.FromSeconds(30));
        report.Note("node 2 healthy");
        await Task.Delay(2000);
        await load.StopAsync();
        report.Note("load stopped");

        var afterReconnect = load.Accepted.Where(a => a.At > reconnected).Select(a => a.Result.MsgId).ToArray();
        output.WriteLine($"accepted {load.Accepted.Count}, after reconnect {afterReconnect.Length}, refused {load.Refused}");
        Assert.NotEmpty(afterReconnect);
        try
        {
            await Eventually.TrueAsync(() => afterReconnect.All(id => bob.Received.Any(m => m.MsgId == id)),
                "every message accepted after the reconnect is pushed to bob (push or replay, no sync)", TimeSpan.FromSeconds(15));
        }
        catch (TimeoutException)
        {
            var missing = afterReconnect.Count(id => !bob.Received.Any(m => m.MsgId == id));
            report.Note($"gave up waiting: {missing} missing");
            var accepted = load.Accepted.ToArray();
            var firstMissing = Array.FindIndex(accepted, a => a.At > reconnected && !bob.Received.Any(m => m.MsgId == a.Result.MsgId));
            output.WriteLine($"first missing: #{firstMissing} of {accepted.Length} accepted (seq {(firstMissing < 0 ? 0 : accepted[firstMissing].Result.Seq)})");
            output.WriteLine(await report.BuildAsync(cluster, alice));
            throw new TimeoutException($"{missing} of the {afterReconnect.Length} messages accepted after node 1 reconnected were never pushed to bob.");
        }
    }

    [Fact]
    public async Task WithRedisStoppedForTenSecondsSendsGoOnNothingIsLostNoSeqRepeatsAndPushesResume()
    {
        await using var cluster = await ClusterFixture.StartAsync();
        var (node1, node2) = (cluster.Nodes[0], cluster.Nodes[1]);
        var bobId = HubFixture.NewUser("bob");
        await using var bob = await RecordingClient.ConnectAsync(node2, bobId);
        await using var alice = await RecordingClient.ConnectAsync(node1, HubFixture.NewUser("alice"));
        await using var carol = await RecordingClient.ConnectAsync(node2, HubFixture.NewUser("carol"));
        var load = SendLoad.Start([alice, carol], bobId);
        await Eventually.TrueAsync(() => load.Accepted.Count >= 50, "traffic before the outage");

        cluster.Redis.Kill();
        var (acceptedBefore, refusedBefore) = (load.Accepted.Count, load.Refused);
        var outage = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(10));
        var (acceptedDuring, refusedDuring) = (load.Accepted.Count - acceptedBefore, load.Refused - refusedBefore);
        var seconds = outage.Elapsed.TotalSeconds;
        await cluster.Redis.StartAsync();
        await Eventually.TrueAsync(async () => await node1.ReadinessAsync() == "Healthy" && await node2.ReadinessAsync() == "Healthy",
            "both nodes back on Redis", TimeSpan.FromSeconds(30));
        var back = Stopwatch.GetTimestamp();
        await Task.Delay(2000);
        await load.StopAsync();
        output.WriteLine(
            $"Redis away {seconds:F1} s: {acceptedDuring} sends accepted ({acceptedDuring / seconds:F0}/s), {refusedDuring} refused " +
            $"({refusedDuring / seconds:F1}/s); total accepted {load.Accepted.Count}, refused {load.Refused}");

        Assert.True(acceptedDuring >= 10 * seconds, $"sends went on while Redis was away ({acceptedDuring} in {seconds:F1} s)");
        Assert.Equal(0, refusedDuring);
        // Nothing lost, no seq repeated, seqs in acceptance order per chat (G3, G5).
        await using var bobSync = await RecordingClient.ConnectAsync(node1, bobId);
        foreach (var chat in load.Accepted.Select(a => a.Result).GroupBy(a => a.ChatId))
        {
            var synced = await SyncAllAsync(bobSync, chat.Key);
            Assert.Equal(chat.Select(a => a.MsgId).Order(), synced.Select(m => m.MsgId).Order());
            Assert.Equal(synced.Count, synced.Select(m => m.Seq).Distinct().Count());
            Assert.Equal(chat.Select(a => a.Seq).Order(), synced.Select(m => m.Seq));
        }
        // Pushes resume once Redis is back.
        var resumed = load.Accepted.Where(a => a.At > back).Select(a => a.Result.MsgId).ToArray();
        Assert.NotEmpty(resumed);
        await Eventually.TrueAsync(() => resumed.All(id => bob.Received.Any(m => m.MsgId == id)), "pushes after Redis is back reach bob", TimeSpan.FromSeconds(15));
    }

    private static async Task<SendResult> ResendUntilAnsweredAsync(RecordingClient client, string to, string clientMsgId, TimeSpan bound)
    {
        var deadline = DateTime.UtcNow + bound;
        while (true)
        {
            try
            {
                return await client.SendAsync(to, "lost push?", clientMsgId);
            }
            catch (ImServerException ex) when (ex.IsRetriable && DateTime.UtcNow < deadline)
            {
                await Task.Delay(200); // IM_SEND_IN_PROGRESS while the dead node's reservation lives
            }
        }
    }

    private static async Task<List<ImMessage>> SyncAllAsync(RecordingClient client, string chatId)
    {
        var synced = new List<ImMessage>();
        SyncResult page;
        do
        {
            page = await client.Client.SyncAsync(chatId, synced.Count == 0 ? 0 : synced[^1].Seq, 200);
            synced.AddRange(page.Messages);
        }
        while (page.HasMore);
        return synced;
    }

    /// <summary>Senders in a loop, each retrying a refused send with the same clientMsgId, counting what was accepted and refused.</summary>
    private sealed class SendLoad
    {
        private readonly CancellationTokenSource _stop = new();
        private int _refused;
        private Task[] _loops = [];

        /// <summary>Accepted sends, with the timestamp at which each began.</summary>
        public ConcurrentQueue<(SendResult Result, long At)> Accepted { get; } = new();

        public int Refused => Volatile.Read(ref _refused);

        public static SendLoad Start(IReadOnlyList<RecordingClient> senders, string to)
        {
            var load = new SendLoad();
            load._loops = senders.Select((s, n) => Task.Run(() => load.LoopAsync(s, to, $"s{n}-"))).ToArray();
            return load;
        }

        public async Task StopAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_loops);
        }

        private async Task LoopAsync(RecordingClient from, string to, string prefix)
        {
            var i = 0;
            while (!_stop.IsCancellationRequested)
            {
                var started = Stopwatch.GetTimestamp(); // when the send began: its presence and push come after
                try
                {
                    Accepted.Enqueue((await from.SendAsync(to, prefix + i, clientMsgId: prefix + i), started));
                    i++;
                    await Task.Delay(5);
                }
                catch (ImServerException ex) when (ex.IsRetriable)
                {
                    Interlocked.Increment(ref _refused);
                    await Task.Delay(50);
                }
            }
        }
    }
}
