extern alias sdk;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using sdk::ImSignalR.Client;
using sdk::ImSignalR.Client.Transport;

namespace ImSignalR.UnitTests.Client;

/// <summary>
/// A loopback WebSocket server that answers the SDK with scripted bytes. (An exception to "unit tests
/// touch no socket", asked for by the SDK issue: the transport's reaction to bad bytes can only be seen
/// through a real socket.) Every case must end in a clear exception within a bound, never a hang.
/// </summary>
public sealed class MalformedServerTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private static readonly byte[] HandshakeOk = Encoding.UTF8.GetBytes("{}\u001e");

    private static async Task<(WebApplication App, Uri Uri)> StartAsync(Func<WebSocket, Task> script)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.UseWebSockets();
        app.Map("/hubs/chat", async (HttpContext context) =>
        {
            using var socket = await context.WebSockets.AcceptWebSocketAsync();
            var buffer = new byte[4096];
            await socket.ReceiveAsync(buffer, context.RequestAborted); // the client's handshake request
            try
            {
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

    private static HubConnectionOptions Options(Uri uri, string protocol) => new()
    {
        HubUri = uri,
        Protocol = protocol,
        HandshakeTimeout = TimeSpan.FromSeconds(2),
        ServerTimeout = TimeSpan.FromSeconds(3),
        KeepAliveInterval = TimeSpan.FromSeconds(1),
    };

    private static async Task Hold(WebSocket socket)
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

    private static Func<WebSocket, Task> AfterHandshake(string protocol, byte[] bytes, bool thenClose = false) => async socket =>
    {
        await socket.SendAsync(HandshakeOk, WebSocketMessageType.Text, true, default);
        await socket.SendAsync(bytes, protocol == "json" ? WebSocketMessageType.Text : WebSocketMessageType.Binary, true, default);
        if (thenClose)
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, default);
        }
        await Hold(socket);
    };

    [Theory]
    [InlineData("json", "6e6f74206a736f6e1e", "not valid JSON")]           // "not json" + RS
    [InlineData("json", "7b2274797065223a2278227d1e", "numeric 'type'")]   // {"type":"x"}
    [InlineData("messagepack", "FFFFFFFF07", "declares")]                 // a 2 GB length prefix
    [InlineData("messagepack", "03C1C1C1", "not an array")]
    [InlineData("messagepack", "08950180C0A17491C1", "Invalid MessagePack")]
    public async Task GarbageAfterTheHandshakeClosesTheConnectionWithAProtocolError(string protocol, string hex, string expected)
    {
        var (app, uri) = await StartAsync(AfterHandshake(protocol, Convert.FromHexString(hex)));
        await using var _ = app;
        await using var connection = new ImHubConnection(Options(uri, protocol));
        var closed = new TaskCompletionSource<ImConnectionException?>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += e => closed.TrySetResult(e);

        await connection.StartAsync(default).WaitAsync(Bound);
        var error = await closed.Task.WaitAsync(Bound);

        Assert.NotNull(error);
        var inner = Assert.IsType<ImProtocolException>(error.InnerException);
        Assert.Contains(expected, inner.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(connection.IsConnected);
        await Assert.ThrowsAsync<ImConnectionException>(() => connection.InvokeAsync<object>("SendC2C", [], default));
    }

    [Theory]
    [InlineData("json", "7b2274797065223a")]   // half a JSON message, no record separator
    [InlineData("messagepack", "1096")]          // declares 16 bytes, sends 1
    public async Task ATruncatedFrameFollowedByACloseEndsTheConnectionInsteadOfWaiting(string protocol, string hex)
    {
        var (app, uri) = await StartAsync(AfterHandshake(protocol, Convert.FromHexString(hex), thenClose: true));
        await using var _ = app;
        await using var connection = new ImHubConnection(Options(uri, protocol));
        var closed = new TaskCompletionSource<ImConnectionException?>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += e => closed.TrySetResult(e);

        await connection.StartAsync(default).WaitAsync(Bound);
        var error = await closed.Task.WaitAsync(Bound);
        Assert.NotNull(error);
        Assert.Contains("closed", error.Message, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task ATruncatedFrameOnASilentServerEndsWithTheServerTimeout()
    {
        var (app, uri) = await StartAsync(async socket =>
        {
            await socket.SendAsync(HandshakeOk, WebSocketMessageType.Text, true, default);
            await socket.SendAsync(Convert.FromHexString("1096"), WebSocketMessageType.Binary, true, default);
            await Hold(socket);
        });
        await using var _ = app;
        await using var connection = new ImHubConnection(Options(uri, "messagepack"));
        var closed = new TaskCompletionSource<ImConnectionException?>(TaskCreationOptions.RunContinuationsAsynchronously);
        connection.Closed += e => closed.TrySetResult(e);

        await connection.StartAsync(default).WaitAsync(Bound);
        var error = await closed.Task.WaitAsync(Bound);
        Assert.Contains("Server timeout", error!.Message);
    }

    [Theory]
    [InlineData("68656c6c6f1e", typeof(ImProtocolException))]                      // "hello" + RS
    [InlineData("7b2274797065223a367d1e", typeof(ImProtocolException))]            // {"type":6}: a message, not a handshake
    [InlineData("7b226572726f72223a226e6f7065227d1e", typeof(ImConnectionException))] // {"error":"nope"}
    [InlineData("", typeof(ImConnectionException))]                                // no answer at all: the handshake timeout
    public async Task ABadHandshakeFailsStartWithAClearException(string hex, Type expected)
    {
        var (app, uri) = await StartAsync(async socket =>
        {
            if (hex.Length > 0)
            {
                await socket.SendAsync(Convert.FromHexString(hex), WebSocketMessageType.Text, true, default);
            }
            await Hold(socket);
        });
        await using var _ = app;
        await using var connection = new ImHubConnection(Options(uri, "json"));

        var error = await Record.ExceptionAsync(() => connection.StartAsync(default).WaitAsync(Bound));
        Assert.IsType(expected, error);
        Assert.False(connection.IsConnected);
    }
}
