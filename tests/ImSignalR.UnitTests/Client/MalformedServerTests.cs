using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using ImSignalR.Client;
using ImSignalR.Contracts;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImSignalR.UnitTests.Client;

/// <summary>
/// What a server may send that the SDK must survive, over the official SignalR client: a push it
/// cannot bind, repeats and gaps, a result it cannot read, a bad handshake, garbage on the wire.
/// Every case ends in a clear outcome within a bound, never a hang or a dead client.
/// </summary>
public sealed class MalformedServerTests
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

    private static ConcurrentQueue<ImMessage> Recorded(ImChatClient client)
    {
        var received = new ConcurrentQueue<ImMessage>();
        client.MessageReceived += m =>
        {
            received.Enqueue(m);
            return Task.CompletedTask;
        };
        return received;
    }

    // A ReceiveC2C whose msgId is a map: neither JSON nor MessagePack can bind it to ImMessage.
    private static Dictionary<string, object?> Unbindable(long seq) => new()
    {
        ["msgId"] = new Dictionary<string, object?> { ["not"] = "a string" },
        ["chatId"] = "c2c:me:peer",
        ["seq"] = seq,
    };

    [Theory]
    [InlineData("json")]
    [InlineData("messagepack")]
    public async Task APushTheSdkCannotBindIsDroppedAndTheClientCarriesOn(string protocol)
    {
        await using var server = await ScriptedServer.StartAsync();
        server.Store(1);
        await using var client = server.Client(protocol);
        var received = Recorded(client);
        var states = new ConcurrentQueue<ImConnectionState>();
        client.StateChanged += change => states.Enqueue(change.Current);
        await client.ConnectAsync().WaitAsync(Bound);
        await Until(() => received.Count == 1, "the synced message");

        await server.PushAsync(Unbindable(2));
        await server.PushAsync(server.Store(2));

        await Until(() => received.Count == 2, "the next good push");
        Assert.Equal([1L, 2], received.Select(m => m.Seq));
        Assert.True(client.IsConnected);
        Assert.DoesNotContain(ImConnectionState.Reconnecting, states);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("messagepack")]
    public async Task RepeatedAndOutOfOrderPushesWithAGapReachTheAppOnceInSeqOrder(string protocol)
    {
        await using var server = await ScriptedServer.StartAsync();
        await using var client = server.Client(protocol);
        var received = Recorded(client);
        await client.ConnectAsync().WaitAsync(Bound);
        var messages = Enumerable.Range(1, 5).Select(i => server.Store(i)).ToArray();

        // 2 and 4 are never pushed: the gaps are filled by syncing the conversation.
        foreach (var seq in new[] { 1, 1, 3, 5, 3, 1 })
        {
            await server.PushAsync(messages[seq - 1]);
        }

        await Until(() => received.Count >= 5, "five messages");
        await Task.Delay(200); // a late repeat would show up by now
        Assert.Equal([1L, 2, 3, 4, 5], received.Select(m => m.Seq));
        Assert.Equal(messages.Select(m => m.MsgId), received.Select(m => m.MsgId));
        await Until(() => client.AckedCount >= 5, "Delivered acks");
    }

    [Theory]
    [InlineData("json")]
    [InlineData("messagepack")]
    public async Task ASyncResultTheSdkCannotReadDoesNotHoldPushesBack(string protocol)
    {
        await using var server = await ScriptedServer.StartAsync();
        server.SyncAnswer = new Dictionary<string, object?> { ["messages"] = "not a list" };
        await using var client = server.Client(protocol);
        var received = Recorded(client);
        await client.ConnectAsync().WaitAsync(Bound);

        await server.PushAsync(server.Store(1));

        await Until(() => received.Count == 1, "the push");
        Assert.True(client.IsConnected);
    }

    [Theory]
    [InlineData("json")]
    [InlineData("messagepack")]
    public async Task ASendResultTheSdkCannotReadFailsTheSendOnceInsteadOfResendingForever(string protocol)
    {
        await using var server = await ScriptedServer.StartAsync();
        server.SendAnswer = new Dictionary<string, object?> { ["seq"] = "not a number" };
        await using var client = server.Client(protocol);
        await client.ConnectAsync().WaitAsync(Bound);

        var error = await Assert.ThrowsAsync<ImProtocolException>(() => client.SendTextAsync("peer", "hi").WaitAsync(Bound));

        Assert.Contains("SendC2C", error.Message);
        Assert.Equal(1, server.SendCalls);
        Assert.True(client.IsConnected);
    }

    [Theory]
    [InlineData("68656c6c6f1e", typeof(ImProtocolException))]                        // "hello" + RS
    [InlineData("7b226572726f72223a226e6f7065227d1e", typeof(ImConnectionException))] // {"error":"nope"}
    [InlineData("", typeof(ImConnectionException))]                                  // no answer: the handshake timeout
    public async Task ABadHandshakeFailsConnectWithAClearException(string hex, Type expected)
    {
        var (app, uri) = await StartRawAsync(async socket =>
        {
            if (hex.Length > 0)
            {
                await socket.SendAsync(Convert.FromHexString(hex), WebSocketMessageType.Text, true, default);
            }
            await HoldAsync(socket);
        });
        await using var _ = app;
        await using var client = new ImChatClient(new ImChatClientOptions { HubUri = uri, HandshakeTimeout = TimeSpan.FromSeconds(2) });

        var error = await Record.ExceptionAsync(() => client.ConnectAsync().WaitAsync(Bound));

        Assert.IsType(expected, error);
        Assert.False(client.IsConnected);
        Assert.Equal(ImConnectionState.Disconnected, client.State);
    }

    [Fact]
    public async Task ARefusedUpgradeFailsConnectWithTheStatus()
    {
        var (app, uri) = await StartRawAsync(_ => Task.CompletedTask, refuse: true);
        await using var _ = app;
        await using var client = new ImChatClient(new ImChatClientOptions { HubUri = uri, AccessTokenProvider = _ => ValueTask.FromResult<string?>("bad") });

        var error = await Assert.ThrowsAsync<ImConnectionException>(() => client.ConnectAsync().WaitAsync(Bound));
        Assert.Contains("401", error.Message);
    }

    [Theory]
    [InlineData("6e6f74206a736f6e1e")]   // "not json" + RS
    [InlineData("7b2274797065223a2278227d1e")] // {"type":"x"}
    public async Task GarbageAfterTheHandshakeEndsTheConnectionAndTheClientReconnects(string hex)
    {
        var attempts = 0;
        var (app, uri) = await StartRawAsync(async socket =>
        {
            Interlocked.Increment(ref attempts);
            await socket.SendAsync(Encoding.UTF8.GetBytes("{}\u001e"), WebSocketMessageType.Text, true, default);
            await socket.SendAsync(Convert.FromHexString(hex), WebSocketMessageType.Text, true, default);
            await HoldAsync(socket);
        });
        await using var _ = app;
        await using var client = new ImChatClient(new ImChatClientOptions
        {
            HubUri = uri,
            ReliableInbox = false,
            ReconnectInitialDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(100),
        });
        var lost = new TaskCompletionSource<ImConnectionStateChange>(TaskCreationOptions.RunContinuationsAsynchronously);
        client.StateChanged += change =>
        {
            if (change.Current == ImConnectionState.Reconnecting)
            {
                lost.TrySetResult(change);
            }
        };

        await client.ConnectAsync().WaitAsync(Bound);
        var change = await lost.Task.WaitAsync(Bound);

        Assert.IsType<ImConnectionException>(change.Error);
        await Until(() => Volatile.Read(ref attempts) >= 2, "a reconnect attempt");
    }

    private static async Task<(WebApplication App, Uri Uri)> StartRawAsync(Func<WebSocket, Task> script, bool refuse = false)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseWebSockets();
        app.Map("/hubs/chat", async (HttpContext context) =>
        {
            if (refuse || !context.WebSockets.IsWebSocketRequest)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[4096];
            try
            {
                await socket.ReceiveAsync(buffer, context.RequestAborted); // the client's handshake request
                await script(socket);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
            }
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        return (app, new Uri(address + "/hubs/chat"));
    }

    private static async Task HoldAsync(WebSocket socket)
    {
        // Keep the socket open (reading) until the client goes away.
        var buffer = new byte[4096];
        while (socket.State == WebSocketState.Open)
        {
            var result = await socket.ReceiveAsync(buffer, CancellationToken.None);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return;
            }
        }
    }
}
