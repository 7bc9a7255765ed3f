using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests.Hostile;

/// <summary>A node whose client timeout is short enough to watch (Im:Limits:ClientTimeout).</summary>
public sealed class ShortClientTimeoutHubFixture : HubFixture
{
    public static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(3);

    protected override IReadOnlyDictionary<string, string> Settings => new Dictionary<string, string>(base.Settings)
    {
        ["Im__Limits__ClientTimeout"] = ClientTimeout.ToString("c"),
    };
}

/// <summary>
/// Issue 14 item 7: a socket that completes the handshake and then never sends a byte is closed once
/// the client timeout passes, so it stops holding one of its user's connection slots; a socket that
/// keeps pinging stays open.
/// </summary>
public sealed class SilentConnectionTests(ShortClientTimeoutHubFixture fixture) : IClassFixture<ShortClientTimeoutHubFixture>
{
    private const char Rs = RawHubSocket.RecordSeparator;
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(3);

    private HubProcess Hub => fixture.Hub;

    [Fact]
    public async Task ASocketSilentAfterTheHandshakeIsClosedWithinTheClientTimeoutAndFreesItsSlot()
    {
        var token = await Hub.TokenAsync(HubFixture.NewUser("silent"));
        await using var silent = await RawHubSocket.ConnectAsync(Hub, token);
        await using var pinging = await RawHubSocket.ConnectAsync(Hub, await Hub.TokenAsync(HubFixture.NewUser("pinging")));
        var started = DateTime.UtcNow;
        using var stop = new CancellationTokenSource();
        var pings = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await pinging.SendTextAsync("{\"type\":6}" + Rs);
                await Task.Delay(TimeSpan.FromSeconds(1));
            }
        });

        Assert.True(await silent.ClosedByServerAsync(ShortClientTimeoutHubFixture.ClientTimeout + Slack),
            $"a silent socket must be closed within {ShortClientTimeoutHubFixture.ClientTimeout} + {Slack}");
        Assert.True(DateTime.UtcNow - started >= ShortClientTimeoutHubFixture.ClientTimeout - TimeSpan.FromSeconds(1), "closed before the timeout");

        // The pinging socket outlived the timeout and still answers.
        await Task.Delay(ShortClientTimeoutHubFixture.ClientTimeout);
        await pinging.SendTextAsync("{\"type\":1,\"invocationId\":\"alive\",\"target\":\"GetConversations\",\"arguments\":[]}" + Rs);
        Assert.NotNull(await pinging.ReceiveTypeAsync(3, TimeSpan.FromSeconds(5)));
        await stop.CancelAsync();
        await pings;

        // The silent user's slot is free again: the full allowance of connections gets in.
        var sockets = new List<RawHubSocket>();
        try
        {
            for (var i = 0; i < 5; i++)
            {
                var socket = await RawHubSocket.ConnectAsync(Hub, token);
                sockets.Add(socket);
                await socket.SendTextAsync($"{{\"type\":1,\"invocationId\":\"c{i}\",\"target\":\"GetConversations\",\"arguments\":[]}}" + Rs);
                var completion = await socket.ReceiveTypeAsync(3, TimeSpan.FromSeconds(5));
                Assert.True(completion is not null, $"connection {i + 1} of 5 was not admitted");
            }
        }
        finally
        {
            foreach (var socket in sockets)
            {
                await socket.DisposeAsync();
            }
        }
        await AssertOthersServedAsync();
    }

    /// <summary>The node is healthy for everyone else: another pair of users sends and receives.</summary>
    private async Task AssertOthersServedAsync()
    {
        await using var carol = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("carol"));
        await using var dave = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("dave"));
        var sent = await carol.SendAsync(dave.UserId, "still fine");
        await Eventually.TrueAsync(() => dave.Received.Any(m => m.MsgId == sent.MsgId), "dave receives carol's message");
    }
}
