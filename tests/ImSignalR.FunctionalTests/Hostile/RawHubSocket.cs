using System.Buffers;
using System.Net.WebSockets;
using System.Text;
using System.Text.Json;
using ImSignalR.FunctionalTests.Infrastructure;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace ImSignalR.FunctionalTests.Hostile;

/// <summary>
/// A bare WebSocket to the hub with a hand-made handshake (JSON, or MessagePack for binary frames), to
/// send bytes no SDK would send (invalid UTF-8, lone surrogates, oversized frames) and to read frames
/// exactly as the server wrote them.
/// </summary>
public sealed class RawHubSocket : IAsyncDisposable
{
    public const char RecordSeparator = '\u001e';

    private readonly ClientWebSocket _socket = new();
    private readonly StringBuilder _pending = new();
    private readonly ArrayBufferWriter<byte> _pendingBinary = new();

    private RawHubSocket()
    {
    }

    public WebSocketState State => _socket.State;

    public WebSocketCloseStatus? CloseStatus => _socket.CloseStatus;

    /// <summary>Opens and handshakes; <paramref name="connectionToken"/> opens a negotiated connection instead of a new one.</summary>
    public static async Task<RawHubSocket> ConnectAsync(HubProcess hub, string token, string protocol = "json", string? connectionToken = null)
    {
        var raw = new RawHubSocket();
        var query = "access_token=" + Uri.EscapeDataString(token) + (connectionToken is null ? "" : "&id=" + Uri.EscapeDataString(connectionToken));
        var uri = new UriBuilder(hub.HubUri) { Scheme = "ws", Query = query }.Uri;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await raw._socket.ConnectAsync(uri, timeout.Token);
        await raw.SendTextAsync($"{{\"protocol\":\"{protocol}\",\"version\":1}}" + RecordSeparator);
        var handshake = await raw.ReceiveFrameAsync(TimeSpan.FromSeconds(10));
        if (handshake is null || handshake.Trim() != "{}")
        {
            throw new InvalidOperationException("Handshake failed: " + handshake);
        }
        return raw;
    }

    public Task SendTextAsync(string text) => SendBytesAsync(Encoding.UTF8.GetBytes(text));

    public async Task SendBytesAsync(byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
    }

    public async Task SendBinaryAsync(byte[] bytes)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _socket.SendAsync(bytes, WebSocketMessageType.Binary, endOfMessage: true, timeout.Token);
    }

    /// <summary>The next message of a binary (MessagePack) connection, or null once the server closed the socket.</summary>
    public async Task<HubMessage?> ReceiveMessageAsync(IHubProtocol protocol, IInvocationBinder binder, TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var input = new ReadOnlySequence<byte>(_pendingBinary.WrittenMemory);
            if (protocol.TryParseMessage(ref input, binder, out var message))
            {
                var rest = input.ToArray();
                _pendingBinary.ResetWrittenCount();
                _pendingBinary.Write(rest);
                return message;
            }
            if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseSent))
            {
                return null;
            }
            WebSocketReceiveResult result;
            try
            {
                result = await _socket.ReceiveAsync(buffer, cts.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                return null;
            }
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }
            _pendingBinary.Write(buffer.AsSpan(0, result.Count));
        }
    }

    /// <summary>The next record (without its separator), or null once the server closed the socket.</summary>
    public async Task<string?> ReceiveFrameAsync(TimeSpan timeout)
    {
        using var cts = new CancellationTokenSource(timeout);
        var buffer = new byte[16 * 1024];
        while (true)
        {
            var text = _pending.ToString();
            var end = text.IndexOf(RecordSeparator);
            if (end >= 0)
            {
                _pending.Remove(0, end + 1);
                return text[..end];
            }
            if (_socket.State is not (WebSocketState.Open or WebSocketState.CloseSent))
            {
                return null;
            }
            WebSocketReceiveResult result;
            try
            {
                result = await _socket.ReceiveAsync(buffer, cts.Token);
            }
            catch (WebSocketException)
            {
                return null;
            }
            if (result.MessageType == WebSocketMessageType.Close)
            {
                return null;
            }
            _pending.Append(Encoding.UTF8.GetString(buffer, 0, result.Count));
        }
    }

    /// <summary>Reads frames, skipping pings, until one of <paramref name="type"/> (SignalR message type) or the end.</summary>
    public async Task<JsonElement?> ReceiveTypeAsync(int type, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            string? frame;
            try
            {
                frame = await ReceiveFrameAsync(deadline - DateTime.UtcNow);
            }
            catch (OperationCanceledException)
            {
                return null;
            }
            if (frame is null)
            {
                return null;
            }
            var element = JsonDocument.Parse(frame).RootElement.Clone();
            if (element.TryGetProperty("type", out var t) && t.GetInt32() == type)
            {
                return element;
            }
        }
        return null;
    }

    /// <summary>True once the server has closed: a Close frame, a WebSocket close, or a reset.</summary>
    public async Task<bool> ClosedByServerAsync(TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            string? frame;
            try
            {
                frame = await ReceiveFrameAsync(deadline - DateTime.UtcNow);
            }
            catch (OperationCanceledException)
            {
                return false;
            }
            if (frame is null || frame.Contains("\"type\":7", StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    public async ValueTask DisposeAsync()
    {
        _socket.Abort();
        _socket.Dispose();
        await Task.CompletedTask;
    }
}
