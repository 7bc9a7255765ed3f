using System.Buffers;
using System.Net.WebSockets;
using ImSignalR.Client.Protocol;

namespace ImSignalR.Client.Transport;

public sealed partial class ImHubConnection
{
    private const int ReceiveChunk = 16 * 1024;

    private async Task<byte[]> ReadHandshakeAsync(ClientWebSocket socket, CancellationToken cancellationToken)
    {
        var buffer = new GrowableBuffer();
        while (true)
        {
            var result = await socket.ReceiveAsync(buffer.GetMemory(ReceiveChunk), cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                throw new ImConnectionException($"The server closed the connection during the handshake ({socket.CloseStatus}).");
            }
            buffer.Advance(result.Count);
            var sequence = new ReadOnlySequence<byte>(buffer.Written);
            if (Handshake.TryReadResponse(ref sequence))
            {
                // Messages may follow the handshake response in the same frame.
                return sequence.ToArray();
            }
        }
    }

    private async Task ReceiveLoopAsync(byte[] leftover)
    {
        var socket = _socket!;
        var buffer = new GrowableBuffer();
        buffer.Append(leftover);
        ImConnectionException? error = null;
        try
        {
            // The handshake reply can carry more messages, a server Close (with its reason) among them.
            error = await DispatchAsync(buffer).ConfigureAwait(false);
            while (error is null && !_stopping.IsCancellationRequested)
            {
                var result = await socket.ReceiveAsync(buffer.GetMemory(ReceiveChunk), _stopping.Token).ConfigureAwait(false);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    error = socket.CloseStatus == WebSocketCloseStatus.NormalClosure
                        ? new ImConnectionException("The server closed the connection.")
                        : new ImConnectionException($"Websocket closed with error: {socket.CloseStatus}.");
                    break;
                }
                buffer.Advance(result.Count);
                Touch(ref _lastReceivedTicks);
                error = await DispatchAsync(buffer).ConfigureAwait(false);
                if (error is not null)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
        }
        catch (ImProtocolException ex)
        {
            error = new ImConnectionException("The server sent an invalid message: " + ex.Message, ex);
            socket.Abort();
        }
        catch (Exception ex) when (ex is WebSocketException or ObjectDisposedException)
        {
            error = new ImConnectionException("The connection was lost.", ex);
        }
        catch (Exception ex)
        {
            // A parser bug must end the connection visibly, never leave it open with nobody reading.
            error = new ImConnectionException("The connection failed while reading: " + ex.Message, ex);
            socket.Abort();
        }
        Close(error);
    }

    /// <returns>The error a server Close message carried, or null to go on.</returns>
    private async Task<ImConnectionException?> DispatchAsync(GrowableBuffer buffer)
    {
        var sequence = new ReadOnlySequence<byte>(buffer.Written);
        var consumedBefore = sequence.Length;
        ImConnectionException? closeError = null;
        while (closeError is null && _protocol.TryParse(ref sequence, out var frame))
        {
            closeError = await HandleAsync(frame!).ConfigureAwait(false);
        }
        buffer.Consume((int)(consumedBefore - sequence.Length));
        return closeError;
    }

    private async Task<ImConnectionException?> HandleAsync(HubFrame frame)
    {
        switch (frame.Type)
        {
            case HubFrameType.Invocation:
                // Handlers run on their own loop, in arrival order: a handler that awaits a hub call
                // would otherwise block the very loop that must read that call's completion.
                await _invocations.Writer.WriteAsync(frame, _stopping.Token).ConfigureAwait(false);
                return null;
            case HubFrameType.Completion:
                if (frame.InvocationId is null)
                {
                    throw new ImProtocolException("A completion has no invocation id.");
                }
                if (_pending.TryGetValue(frame.InvocationId, out var call))
                {
                    call.Completion.TrySetResult(frame);
                }
                return null;
            case HubFrameType.Close:
                return new ImConnectionException(
                    frame.Error is null ? "The server closed the connection." : $"The server closed the connection with the following error: {frame.Error}",
                    allowReconnect: frame.AllowReconnect);
            default:
                // Pings only refresh the timeout; unknown types are ignored (HubProtocol.md).
                return null;
        }
    }

    private async Task DispatchLoopAsync()
    {
        try
        {
            await foreach (var frame in _invocations.Reader.ReadAllAsync(_stopping.Token).ConfigureAwait(false))
            {
                await InvokeHandlerAsync(frame).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ImConnectionException)
        {
            // Closing.
        }
    }

    private async Task InvokeHandlerAsync(HubFrame frame)
    {
        string? error = null;
        if (frame.Target is not null && _handlers.TryGetValue(frame.Target, out var handler))
        {
            try
            {
                await handler(frame).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // A failing app handler must not take the connection down.
                error = "Client handler failed: " + ex.GetType().Name;
            }
        }
        else if (frame.InvocationId is not null)
        {
            error = "Client didn't provide a result.";
        }
        if (frame.InvocationId is not null)
        {
            await SendFrameAsync(w => _protocol.WriteCompletion(w, frame.InvocationId, error), CancellationToken.None).ConfigureAwait(false);
        }
    }

    private async Task KeepAliveLoopAsync()
    {
        using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(Math.Min(1000, _options.KeepAliveInterval.TotalMilliseconds / 2)));
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                var now = Environment.TickCount64;
                if (now - Volatile.Read(ref _lastReceivedTicks) > _options.ServerTimeout.TotalMilliseconds)
                {
                    _socket?.Abort();
                    Close(new ImConnectionException($"Server timeout ({_options.ServerTimeout.TotalMilliseconds:0.00}ms) elapsed without receiving a message from the server."));
                    return;
                }
                if (now - Volatile.Read(ref _lastSentTicks) >= _options.KeepAliveInterval.TotalMilliseconds)
                {
                    await SendFrameAsync(w => _protocol.WritePing(w), _stopping.Token).ConfigureAwait(false);
                }
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or ImConnectionException)
        {
            // Closing: Close() has run or is running.
        }
    }
}
