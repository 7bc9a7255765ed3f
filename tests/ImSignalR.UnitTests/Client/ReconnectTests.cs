using ImSignalR.Client;
using ImSignalR.Contracts;

namespace ImSignalR.UnitTests.Client;

/// <summary>The SDK's own reconnect loop over the official client, against a real SignalR server.</summary>
public sealed class ReconnectTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(10);
        }
    }

    [Theory]
    [InlineData("json")]
    [InlineData("messagepack")]
    public async Task ADroppedSocketIsReplacedWithAFreshTokenAndTheMissedMessagesAreSynced(string protocol)
    {
        await using var server = await ScriptedServer.StartAsync();
        var tokens = 0;
        await using var client = server.Client(protocol, _ => ValueTask.FromResult<string?>($"token-{Interlocked.Increment(ref tokens)}"));
        var received = new List<ImMessage>();
        client.MessageReceived += m =>
        {
            lock (received)
            {
                received.Add(m);
            }
            return Task.CompletedTask;
        };
        var states = new List<ImConnectionState>();
        client.StateChanged += change =>
        {
            lock (states)
            {
                states.Add(change.Current);
            }
        };
        await client.ConnectAsync().WaitAsync(Bound);
        await server.PushAsync(server.Store(1));
        await Until(() => received.Count == 1, "the first push");

        client.AbortConnection();
        server.Store(2); // accepted while the client is away: no push reaches it
        await Until(() => received.Count == 2, "the message stored during the drop, by sync");

        Assert.Equal([1L, 2], received.Select(m => m.Seq));
        Assert.Equal(["Bearer token-1", "Bearer token-2"], server.Authorizations);
        Assert.Equal(2, Volatile.Read(ref tokens)); // once per connect
        lock (states)
        {
            Assert.Equal([ImConnectionState.Connecting, ImConnectionState.Connected, ImConnectionState.Reconnecting, ImConnectionState.Connected], states);
        }
        Assert.True(client.IsConnected);
    }
}
