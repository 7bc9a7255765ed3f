using System.Collections.Concurrent;
using ImSignalR.Client;
using ImSignalR.Contracts;
using ImSignalR.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ImSignalR.FunctionalTests.Client;

/// <summary>Issue 3 acceptance: the SDK's reliability against real hub processes.</summary>
public sealed class ReliableClientTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> FastHub = new()
    {
        ["Im__Limits__SendsPerSecond"] = "100000",
        ["Im__Limits__SendBurst"] = "100000",
        ["Im__Retry__DelaysSeconds"] = "1,1,1",
        ["Im__Retry__SweepInterval"] = "00:00:00.100",
    };

    private static ImChatClientOptions Fast(ImChatClientOptions options) => options with
    {
        ReconnectInitialDelay = TimeSpan.FromMilliseconds(100),
        ReconnectMaxDelay = TimeSpan.FromSeconds(1),
        InvocationTimeout = TimeSpan.FromSeconds(5),
        SendRetryInitialDelay = TimeSpan.FromMilliseconds(50),
        SendRetryMaxDelay = TimeSpan.FromMilliseconds(500),
    };

    [Theory]
    [InlineData("json")]
    [InlineData("messagepack")]
    public async Task TwoClientsChatAckAndReadAndEveryEventArrivesOnce(string protocol)
    {
        await using var hub = await HubProcess.StartAsync(FastHub);
        await using var alice = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("alice"), protocol, reliable: true, configure: Fast);
        await using var bob = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("bob"), protocol, reliable: true, configure: Fast);

        var toBob = new List<SendResult>();
        for (var i = 0; i < 3; i++)
        {
            toBob.Add(await alice.Client.SendTextAsync(bob.UserId, $"hi bob {i}"));
        }
        var toAlice = new List<SendResult>();
        for (var i = 0; i < 2; i++)
        {
            toAlice.Add(await bob.Client.SendTextAsync(alice.UserId, $"hi alice {i}"));
        }
        Assert.Equal([1L, 2, 3, 4, 5], toBob.Concat(toAlice).Select(r => r.Seq));

        await Eventually.TrueAsync(() => bob.Received.Count == 3 && alice.Received.Count == 2, "both sides receive");
        // Automatic Delivered acks reach the senders.
        await Eventually.TrueAsync(() => alice.Statuses.Count(s => s.Status == "Delivered") == 3 && bob.Statuses.Count(s => s.Status == "Delivered") == 2, "Delivered statuses");
        Assert.Equal(1, (await bob.Client.MarkReadAsync([toBob[2].MsgId])).Acked);
        await Eventually.TrueAsync(() => alice.Statuses.Any(s => s.Status == "Read" && s.MsgId == toBob[2].MsgId), "Read status");

        // Longer than the hub's replay delays: an unacked message would be pushed again by now.
        await Task.Delay(2500);
        Assert.Equal(toBob.Select(r => r.MsgId), bob.Received.Select(m => m.MsgId));
        Assert.Equal(toAlice.Select(r => r.MsgId), alice.Received.Select(m => m.MsgId));
        Assert.Equal(["hi bob 0", "hi bob 1", "hi bob 2"], bob.Received.Select(m => m.Content));
        Assert.All(alice.Statuses.GroupBy(s => (s.MsgId, s.Status)), g => Assert.Single(g));
        Assert.All(bob.Statuses.GroupBy(s => (s.MsgId, s.Status)), g => Assert.Single(g));
        Assert.Empty((await bob.Client.SyncAsync()).Messages); // nothing left undelivered
        var conversation = Assert.Single(await bob.Client.GetConversationsAsync());
        Assert.Equal(3, conversation.ReadSeq);
        output.WriteLine($"{protocol}: bob received {bob.Received.Count}, alice statuses {alice.Statuses.Count}");
    }

    [Theory]
    [InlineData("json")]
    [InlineData("messagepack")]
    public async Task ReceiverThatLosesItsSocketWhileFiveHundredMessagesAreSentSeesEachOnceInSeqOrder(string protocol)
    {
        const int total = 500;
        await using var hub = await HubProcess.StartAsync(FastHub);
        await using var alice = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("alice"), protocol, reliable: true, configure: Fast);
        await using var bob = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("bob"), protocol, reliable: true, configure: Fast);
        var reconnects = 0;
        bob.Client.StateChanged += change =>
        {
            if (change.Current == ImConnectionState.Connected)
            {
                Interlocked.Increment(ref reconnects);
            }
        };

        var sends = Enumerable.Range(0, total).Select(i => alice.Client.SendTextAsync(bob.UserId, $"m{i}")).ToArray();
        var drops = 0;
        foreach (var threshold in new[] { 50, 200, 350 })
        {
            await Eventually.TrueAsync(() => bob.Received.Count >= threshold || sends.All(s => s.IsCompleted), $"{threshold} received", TimeSpan.FromSeconds(60));
            bob.Client.AbortConnection();
            drops++;
            await Eventually.TrueAsync(() => bob.Client.IsConnected, "bob reconnects", TimeSpan.FromSeconds(30));
        }
        var results = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(90));

        await Eventually.TrueAsync(() => bob.Received.Count >= total, "every message", TimeSpan.FromSeconds(60));
        await Task.Delay(2500); // replays of anything unacked would show up as repeats by now
        var received = bob.Received.ToArray();
        output.WriteLine($"{protocol}: drops {drops}, reconnects {reconnects}, received {received.Length}, distinct {received.Select(m => m.MsgId).Distinct().Count()}, acked {bob.Client.AckedCount}");
        Assert.Equal(total, received.Length);
        Assert.Equal(Enumerable.Range(1, total).Select(i => (long)i), received.Select(m => m.Seq));
        Assert.Equal(results.OrderBy(r => r.Seq).Select(r => r.MsgId), received.Select(m => m.MsgId));
        Assert.Equal(Enumerable.Range(0, total).Select(i => $"m{i}"), received.Select(m => m.Content));
        Assert.Equal(drops, reconnects);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("messagepack")]
    public async Task SendsInFlightWhenTheHubRestartsAreAcceptedExactlyOnce(string protocol)
    {
        const int total = 300;
        await using var hub = await HubProcess.StartAsync(FastHub);
        var bobId = HubFixture.NewUser("bob");
        await using var alice = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("alice"), protocol, reliable: true, configure: Fast);

        var sends = Enumerable.Range(0, total)
            .Select(i => alice.Client.SendC2CAsync(new SendRequest { ClientMsgId = $"r{i}", ToUserId = bobId, Content = $"m{i}" }))
            .ToArray();
        await Eventually.TrueAsync(() => sends.Count(s => s.IsCompleted) >= 40, "some sends accepted", TimeSpan.FromSeconds(30));
        // Freeze first: the outbox always has its next send on the wire, so at least one send is
        // certainly unanswered when the node dies, and the client must resend it.
        await hub.FreezeAsync();
        await Task.Delay(300);
        var beforeKill = sends.Count(s => s.IsCompleted);
        hub.Kill();
        await hub.StartAsync();
        var results = await Task.WhenAll(sends).WaitAsync(TimeSpan.FromSeconds(120));

        await using var bob = await RecordingClient.ConnectAsync(hub, bobId, protocol);
        var chatId = results[0].ChatId;
        var stored = new List<ImMessage>();
        SyncResult page;
        do
        {
            page = await bob.Client.SyncAsync(chatId, stored.Count == 0 ? 0 : stored[^1].Seq, 200);
            stored.AddRange(page.Messages);
        }
        while (page.HasMore);

        output.WriteLine($"{protocol}: accepted before kill {beforeKill}, attempts {alice.Client.SendAttempts}, duplicates reported {results.Count(r => r.Duplicate)}, stored {stored.Count}");
        Assert.Equal(total, stored.Count);
        Assert.All(stored.GroupBy(m => m.ClientMsgId), g => Assert.Single(g));
        Assert.Equal(Enumerable.Range(0, total).Select(i => $"r{i}"), stored.Select(m => m.ClientMsgId)); // issue order kept
        Assert.Equal(stored.Select(m => m.MsgId), results.Select(r => r.MsgId));
        Assert.True(alice.Client.SendAttempts > total, "the kill should have forced resends");
    }
}
