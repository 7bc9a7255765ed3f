using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.Net.WebSockets;
using ImSignalR.Client.Protocol;

namespace ImSignalR.Client.Transport;

/// <summary>
/// A SignalR client connection over <see cref="ClientWebSocket"/> with negotiation skipped:
/// handshake, invocations with completions, server-to-client invocations, keep-alive pings and the
/// server timeout. One connection, no reconnect: <see cref="ImChatClient"/> builds reliability on top.
/// </summary>
/// <remarks>Server invocations are dispatched one at a time in arrival order, so handlers see
/// events in the order the server sent them.</remarks>
public sealed partial class ImHubConnection : IAsyncDisposable
{
    private readonly HubConnectionOptions _options;
    private readonly IHubWireProtocol _protocol;
    private readonly ConcurrentDictionary<string, PendingCall> _pending = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Func<HubFrame, Task>> _handlers = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    // Bounded: a handler that cannot keep up slows the reader (and so the server) instead of
    // buffering without limit.
    private readonly System.Threading.Channels.Channel<HubFrame> _invocations =
        System.Threading.Channels.Channel.CreateBounded<HubFrame>(new System.Threading.Channels.BoundedChannelOptions(10_000) { SingleReader = true, SingleWriter = true });
    private readonly CancellationTokenSource _stopping = new();
    private ClientWebSocket? _socket;
    private Task? _receiveLoop;
    private Task? _keepAliveLoop;
    private Task? _dispatchLoop;
    private long _nextInvocationId;
    private long _lastSentTicks;
    private long _lastReceivedTicks;
    private int _closed;

    /// <summary>Creates a connection; call <see cref="StartAsync"/> to open it.</summary>
    public ImHubConnection(HubConnectionOptions options)
    {
        _options = options;
        _protocol = HubProtocols.Create(options.Protocol);
    }

    /// <summary>Raised once when the connection ends: the error (null after <see cref="StopAsync"/>).</summary>
    public event Action<ImConnectionException?>? Closed;

    /// <summary>True between a successful <see cref="StartAsync"/> and the end of the connection.</summary>
    public bool IsConnected => _socket?.State == WebSocketState.Open && Volatile.Read(ref _closed) == 0;

    /// <summary>Registers the handler of a server-to-client method (one argument). Replaces an earlier one.</summary>
    public void On<T>(string target, Func<T, Task> handler) =>
        _handlers[target] = frame => handler(_protocol.Convert<T>(frame.Arguments.Count > 0 ? frame.Arguments[0] : null)!);

    /// <summary>Connects, performs the handshake and starts the receive and keep-alive loops.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (_socket is not null)
        {
            throw new InvalidOperationException("A connection is started once; create a new one to reconnect.");
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.HandshakeTimeout);
        var token = _options.AccessTokenProvider is null ? null : await _options.AccessTokenProvider(timeout.Token).ConfigureAwait(false);
        var socket = new ClientWebSocket();
        if (!string.IsNullOrEmpty(token))
        {
            socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
        }
        _socket = socket;
        try
        {
            await socket.ConnectAsync(WebSocketUri(_options.HubUri, token), timeout.Token).ConfigureAwait(false);
            await socket.SendAsync(Handshake.Request(_protocol.Name, 1), WebSocketMessageType.Text, true, timeout.Token).ConfigureAwait(false);
            var leftover = await ReadHandshakeAsync(socket, timeout.Token).ConfigureAwait(false);
            Touch(ref _lastReceivedTicks);
            Touch(ref _lastSentTicks);
            _receiveLoop = Task.Run(() => ReceiveLoopAsync(leftover));
            _keepAliveLoop = Task.Run(KeepAliveLoopAsync);
            _dispatchLoop = Task.Run(DispatchLoopAsync);
            // Tell the server we ping, so it starts its client timeout (HubProtocol.md).
            await SendFrameAsync(w => _protocol.WritePing(w), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Abort();
            throw new ImConnectionException($"Could not connect to {_options.HubUri}: {ex.Message}", ex);
        }
        catch
        {
            // A refused or malformed handshake: the socket must not stay open (IsConnected false).
            socket.Abort();
            throw;
        }
    }

    /// <summary>Invokes a hub method and waits for its result.</summary>
    /// <exception cref="ImServerException">The server answered with an error.</exception>
    /// <exception cref="ImConnectionException">Not connected, or the connection was lost before the result came.</exception>
    /// <exception cref="TimeoutException">No result within <see cref="HubConnectionOptions.InvocationTimeout"/>.</exception>
    public async Task<T?> InvokeAsync<T>(string target, object?[] arguments, CancellationToken cancellationToken)
    {
        var frame = await InvokeCoreAsync(target, arguments, cancellationToken).ConfigureAwait(false);
        return _protocol.Convert<T>(frame.Result);
    }

    /// <summary>Sends a close message and closes the socket.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_socket is { State: WebSocketState.Open } socket)
        {
            try
            {
                await SendFrameAsync(w => _protocol.WriteClose(w), cancellationToken).ConfigureAwait(false);
                await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is WebSocketException or ImConnectionException or OperationCanceledException)
            {
                // Stopping anyway.
            }
        }
        Close(null);
    }

    /// <summary>Aborts the socket without a close handshake (tests use it to simulate a dropped network).</summary>
    public void Abort()
    {
        _socket?.Abort();
        Close(new ImConnectionException("The connection was aborted."));
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync(CancellationToken.None).ConfigureAwait(false);
        if (_receiveLoop is not null)
        {
            await _receiveLoop.ConfigureAwait(false);
        }
        if (_keepAliveLoop is not null)
        {
            await _keepAliveLoop.ConfigureAwait(false);
        }
        if (_dispatchLoop is not null)
        {
            await _dispatchLoop.ConfigureAwait(false);
        }
        _socket?.Dispose();
        _stopping.Dispose();
    }

    private async Task<HubFrame> InvokeCoreAsync(string target, object?[] arguments, CancellationToken cancellationToken)
    {
        if (!IsConnected)
        {
            throw new ImConnectionException("Not connected.");
        }
        var id = Interlocked.Increment(ref _nextInvocationId).ToString(CultureInfo.InvariantCulture);
        var call = new PendingCall();
        _pending[id] = call;
        try
        {
            await SendFrameAsync(w => _protocol.WriteInvocation(w, id, target, arguments), cancellationToken).ConfigureAwait(false);
            var frame = await call.Completion.Task.WaitAsync(_options.InvocationTimeout, cancellationToken).ConfigureAwait(false);
            if (frame.Error is not null)
            {
                throw new ImServerException(frame.Error);
            }
            return frame;
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"'{target}' got no result within {_options.InvocationTimeout.TotalSeconds:0.#} s.");
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    private async Task SendFrameAsync(Action<IBufferWriter<byte>> write, CancellationToken cancellationToken)
    {
        var socket = _socket ?? throw new ImConnectionException("Not connected.");
        var buffer = new ArrayBufferWriter<byte>(256);
        write(buffer);
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(buffer.WrittenMemory, _protocol.MessageType, true, cancellationToken).ConfigureAwait(false);
            Touch(ref _lastSentTicks);
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException or InvalidOperationException)
        {
            var error = new ImConnectionException("The connection was lost while sending.", ex);
            Close(error);
            throw error;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private void Close(ImConnectionException? error)
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }
        _stopping.Cancel();
        _invocations.Writer.TryComplete();
        var failure = error ?? new ImConnectionException("The connection was stopped.");
        foreach (var call in _pending.Values)
        {
            call.Completion.TrySetException(failure);
        }
        Closed?.Invoke(error);
    }

    private static Uri WebSocketUri(Uri hub, string? token)
    {
        var builder = new UriBuilder(hub)
        {
            Scheme = hub.Scheme switch { "https" => "wss", "http" => "ws", _ => hub.Scheme },
        };
        if (!string.IsNullOrEmpty(token))
        {
            var query = builder.Query.TrimStart('?');
            builder.Query = (query.Length > 0 ? query + "&" : "") + "access_token=" + Uri.EscapeDataString(token);
        }
        return builder.Uri;
    }

    private static void Touch(ref long ticks) => Volatile.Write(ref ticks, Environment.TickCount64);

    private sealed class PendingCall
    {
        public TaskCompletionSource<HubFrame> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
