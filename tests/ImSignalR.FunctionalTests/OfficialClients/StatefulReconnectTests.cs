using System.Collections.Concurrent;
using ImSignalR.Contracts;
using ImSignalR.Domain.Identity;
using ImSignalR.FunctionalTests.Infrastructure;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImSignalR.FunctionalTests.OfficialClients;

/// <summary>
/// SPEC §3.1: the official .NET client with <c>WithStatefulReconnect()</c> resumes the same connection
/// after its socket is cut, and what was pushed in the gap is replayed from the server's buffer.
/// The retry sweeper is slowed down so it cannot be what delivers the gap's messages.
/// </summary>
public sealed class StatefulReconnectTests(StatefulReconnectTests.NoReplayHubFixture fixture) : IClassFixture<StatefulReconnectTests.NoReplayHubFixture>
{
    private HubProcess Hub => fixture.Hub;

    [Theory]
    [InlineData("json")]
    [InlineData("messagepack")]
    public async Task ACutSocketResumesTheSameConnectionAndReplaysWhatWasPushedInTheGap(string protocol)
    {
        var aliceId = HubFixture.NewUser("alice");
        var bobId = HubFixture.NewUser("bob");
        await using var proxy = TcpProxy.Start(Hub.Port);
        await using var alice = await OfficialClient.ConnectAsync(Hub, aliceId, protocol, proxy.BaseUri, statefulReconnect: true);
        await using var bob = await OfficialClient.ConnectAsync(Hub, bobId, protocol);
        var received = new ConcurrentQueue<ImMessage>();
        alice.On<ImMessage>(HubMethods.ReceiveC2C, received.Enqueue);
        var lifecycle = new ConcurrentQueue<string>();
        alice.Reconnecting += _ => Record(lifecycle, "reconnecting");
        alice.Reconnected += _ => Record(lifecycle, "reconnected");
        alice.Closed += _ => Record(lifecycle, "closed");
        var connectionId = alice.ConnectionId;

        var before = await bob.InvokeAsync<SendResult>(HubMethods.SendC2C, OfficialClient.Text(aliceId, "before the cut"));
        await Eventually.TrueAsync(() => received.Any(m => m.MsgId == before.MsgId), "the first push");

        var accepted = proxy.Accepted;
        proxy.CutAndHold();
        var gap = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            gap.Add((await bob.InvokeAsync<SendResult>(HubMethods.SendC2C, OfficialClient.Text(aliceId, $"in the gap {i}"))).MsgId);
        }
        // Give the server time to see the reset, so the pushes land in the buffer of a connection without a socket.
        await Task.Delay(500);
        Assert.DoesNotContain(received, m => gap.Contains(m.MsgId));
        proxy.Release();

        await Eventually.TrueAsync(() => gap.All(id => received.Any(m => m.MsgId == id)), "the gap's messages replayed", TimeSpan.FromSeconds(15));
        Assert.True(proxy.Accepted > accepted, "the client must have come back over a new TCP connection");
        Assert.Equal(connectionId, alice.ConnectionId);
        Assert.Equal(HubConnectionState.Connected, alice.State);
        Assert.Empty(lifecycle);
        Assert.Equal(gap, received.Where(m => gap.Contains(m.MsgId)).Select(m => m.MsgId).ToList()); // once each, in order

        // Still the same live connection both ways: a call and a push after the resume.
        Assert.NotEmpty(await alice.InvokeAsync<IReadOnlyList<Conversation>>(HubMethods.GetConversations));
        var after = await bob.InvokeAsync<SendResult>(HubMethods.SendC2C, OfficialClient.Text(aliceId, "after"));
        await Eventually.TrueAsync(() => received.Any(m => m.MsgId == after.MsgId), "a push after the resume");
    }

    [Fact]
    public async Task ARecipientWhoseReplayBufferIsFullDoesNotHoldUpTheSendersCalls()
    {
        // A socket cut and held: SignalR buffers pushes for the resume (100 KB), then blocks the writer.
        // The sender's SendC2C must not wait for that writer: the message is durable and in the retry queue.
        var aliceId = HubFixture.NewUser("alice");
        var bobId = HubFixture.NewUser("bob");
        await using var proxy = TcpProxy.Start(Hub.Port);
        await using var alice = await OfficialClient.ConnectAsync(Hub, aliceId, "json", proxy.BaseUri, statefulReconnect: true);
        await using var bob = await OfficialClient.ConnectAsync(Hub, bobId, "json");
        var received = new ConcurrentQueue<ImMessage>();
        alice.On<ImMessage>(HubMethods.ReceiveC2C, received.Enqueue);
        proxy.CutAndHold();
        await Task.Delay(500);
        var content = new string('x', 7_000);
        var slowest = TimeSpan.Zero;
        var sent = new List<string>();
        for (var i = 0; i < 20; i++)
        {
            var started = System.Diagnostics.Stopwatch.GetTimestamp();
            var request = OfficialClient.Text(aliceId, $"{i}:{content}");
            sent.Add((await bob.InvokeAsync<SendResult>(HubMethods.SendC2C, request)).MsgId);
            var took = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            slowest = took > slowest ? took : slowest;
        }
        // 20 × 7 KB is past the buffer; before the bound, the 15th send or so waited for the disconnect timeout.
        Assert.True(slowest < TimeSpan.FromSeconds(2), $"the slowest send took {slowest.TotalMilliseconds:F0} ms");
        proxy.Release();
        // All of them durable and in order (read by the sender: the recipient may have been dropped meanwhile).
        var history = await bob.InvokeAsync<SyncResult>(HubMethods.SyncMessages, new SyncRequest { ChatId = ChatIds.ForPair(aliceId, bobId), Limit = 50 });
        Assert.Equal(sent, history.Messages.Select(m => m.MsgId).ToList());
    }

    private static Task Record(ConcurrentQueue<string> lifecycle, string what)
    {
        lifecycle.Enqueue(what);
        return Task.CompletedTask;
    }

    /// <summary>Replays far apart, so only the stateful-reconnect buffer can deliver within the test.</summary>
    public sealed class NoReplayHubFixture : HubFixture
    {
        protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
        {
            ["Im__Retry__DelaysSeconds"] = "300,300,300",
        };
    }
}
