using System.Collections.Concurrent;
using ImSignalR.Domain.Contracts;
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
        var received = new ConcurrentQueue<MessageDto>();
        alice.On<MessageDto>(HubMethods.ReceiveC2C, received.Enqueue);
        var lifecycle = new ConcurrentQueue<string>();
        alice.Reconnecting += _ => Record(lifecycle, "reconnecting");
        alice.Reconnected += _ => Record(lifecycle, "reconnected");
        alice.Closed += _ => Record(lifecycle, "closed");
        var connectionId = alice.ConnectionId;

        var before = await bob.InvokeAsync<SendC2CResult>(HubMethods.SendC2C, OfficialClient.Text(aliceId, "before the cut"));
        await Eventually.TrueAsync(() => received.Any(m => m.MsgId == before.MsgId), "the first push");

        var accepted = proxy.Accepted;
        proxy.CutAndHold();
        var gap = new List<string>();
        for (var i = 0; i < 3; i++)
        {
            gap.Add((await bob.InvokeAsync<SendC2CResult>(HubMethods.SendC2C, OfficialClient.Text(aliceId, $"in the gap {i}"))).MsgId);
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
        Assert.NotEmpty(await alice.InvokeAsync<IReadOnlyList<ConversationDto>>(HubMethods.GetConversations));
        var after = await bob.InvokeAsync<SendC2CResult>(HubMethods.SendC2C, OfficialClient.Text(aliceId, "after"));
        await Eventually.TrueAsync(() => received.Any(m => m.MsgId == after.MsgId), "a push after the resume");
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
