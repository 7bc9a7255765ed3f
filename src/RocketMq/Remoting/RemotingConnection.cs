using System.Buffers;
using System.Collections.Concurrent;
using System.IO.Pipelines;
using System.Net.Sockets;
using ImSignalR.RocketMq.Internal;
using Microsoft.Extensions.Logging;

namespace ImSignalR.RocketMq.Remoting;

/// <summary>
/// One multiplexed TCP connection. Requests and responses are matched only by <c>opaque</c> (doc §1.4);
/// incoming frames are routed by <c>flag &amp; 1</c>: responses complete a pending call, requests (the peer's
/// own, e.g. NOTIFY_CONSUMER_IDS_CHANGED) go to the request handler. Used by the client and by the test double.
/// </summary>
// Public (issue 15) only so the bench's RocketMQ double broker and samples/ServiceClient need no InternalsVisibleTo; not a supported API.
public sealed class RemotingConnection : IAsyncDisposable
{
    // Java starts its per-process counter at 0; any unique value works since responses echo it.
    private static int s_nextOpaque;

    private readonly Socket _socket;
    private readonly NetworkStream _stream;
    private readonly PipeReader _reader;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<int, TaskCompletionSource<RemotingCommand>> _pending = new();
    private readonly Func<RemotingConnection, RemotingCommand, Task> _onRequest;
    private readonly CancellationTokenSource _closed = new();
    private readonly ILogger _logger;
    private Task _readLoop = Task.CompletedTask;
    private int _disposed;

    private RemotingConnection(Socket socket, string address, Func<RemotingConnection, RemotingCommand, Task> onRequest, ILogger logger)
    {
        _socket = socket;
        _socket.NoDelay = true;
        _stream = new NetworkStream(socket, ownsSocket: true);
        _reader = PipeReader.Create(_stream);
        Address = address;
        _onRequest = onRequest;
        _logger = logger;
    }

    public string Address { get; }

    public string RemoteEndPoint => _socket.RemoteEndPoint?.ToString() ?? Address;

    public bool IsClosed => _closed.IsCancellationRequested;

    /// <summary>Fires once, when the connection is gone.</summary>
    public CancellationToken Closed => _closed.Token;

    public static async Task<RemotingConnection> ConnectAsync(
        string address, TimeSpan timeout, Func<RemotingConnection, RemotingCommand, Task> onRequest, ILogger logger, CancellationToken cancellationToken)
    {
        var (host, port) = ParseAddress(address);
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(timeout);
        try
        {
            await socket.ConnectAsync(host, port, cts.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            socket.Dispose();
            throw RocketMqProtocolException.Transport($"Cannot connect to RocketMQ at {address}: {e.Message}", e);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        return Accept(socket, address, onRequest, logger);
    }

    /// <summary>Wraps an accepted or connected socket and starts reading.</summary>
    public static RemotingConnection Accept(Socket socket, string address, Func<RemotingConnection, RemotingCommand, Task> onRequest, ILogger logger)
    {
        var connection = new RemotingConnection(socket, address, onRequest, logger);
        connection._readLoop = Task.Run(connection.ReadLoopAsync);
        return connection;
    }

    public static int NextOpaque() => Interlocked.Increment(ref s_nextOpaque);

    /// <summary>Sends <paramref name="request"/> and waits for the response with the same opaque.</summary>
    public async Task<RemotingCommand> InvokeAsync(RemotingCommand request, TimeSpan timeout, CancellationToken cancellationToken)
    {
        request.Opaque = NextOpaque();
        request.Flag &= ~(RemotingCommand.ResponseFlag | RemotingCommand.OnewayFlag);
        var tcs = new TaskCompletionSource<RemotingCommand>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[request.Opaque] = tcs;
        try
        {
            await WriteAsync(request, cancellationToken).ConfigureAwait(false);
            return await tcs.Task.WaitAsync(timeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException e)
        {
            throw RocketMqProtocolException.Transport($"RocketMQ request {request.Code} to {Address} timed out after {timeout.TotalMilliseconds} ms.", e);
        }
        finally
        {
            _pending.TryRemove(request.Opaque, out _);
        }
    }

    /// <summary>Sends a ONEWAY request: the peer never answers it.</summary>
    public Task SendOnewayAsync(RemotingCommand request, CancellationToken cancellationToken)
    {
        request.Opaque = NextOpaque();
        request.Flag = (request.Flag | RemotingCommand.OnewayFlag) & ~RemotingCommand.ResponseFlag;
        return WriteAsync(request, cancellationToken);
    }

    /// <summary>Writes a frame as is (responses keep the request's opaque).</summary>
    public async Task WriteAsync(RemotingCommand command, CancellationToken cancellationToken)
    {
        if (IsClosed)
        {
            throw RocketMqProtocolException.Transport($"The RocketMQ connection to {Address} is closed.");
        }
        var buffer = new ArrayBufferWriter<byte>(256 + command.Body.Length);
        RemotingCodec.Write(command, buffer);
        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _stream.WriteAsync(buffer.WrittenMemory, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or SocketException or ObjectDisposedException)
        {
            Close(e.Message);
            throw RocketMqProtocolException.Transport($"Writing to RocketMQ at {Address} failed: {e.Message}", e);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        var reason = "closed by peer";
        var local = false;
        try
        {
            while (true)
            {
                var result = await _reader.ReadAsync(_closed.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                while (RemotingCodec.TryReadFrame(ref buffer, out var command))
                {
                    Dispatch(command!);
                }
                _reader.AdvanceTo(buffer.Start, buffer.End);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (OperationCanceledException)
        {
            reason = "closed locally";
            local = true;
        }
        catch (Exception e)
        {
            // A frame that does not decode leaves the stream unframeable: close, as the Java NettyDecoder does.
            reason = e.Message;
        }
        Close(reason, local);
    }

    private void Dispatch(RemotingCommand command)
    {
        if (command.IsResponse)
        {
            if (_pending.TryRemove(command.Opaque, out var tcs))
            {
                tcs.TrySetResult(command);
            }
            return;
        }
        // Handled off the read loop: a broker holds a pull for seconds and must keep reading meanwhile.
        _ = Task.Run(async () =>
        {
            try
            {
                await _onRequest(this, command).ConfigureAwait(false);
            }
            catch (Exception e) when (e is RocketMqProtocolException or OperationCanceledException)
            {
                // The connection went away while answering; nothing to answer on.
            }
        });
    }

    private void Close(string reason, bool local = false)
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        // Our own close (shutdown, a dropped consumer) is routine; only a connection the peer or the
        // network ended deserves a warning.
        if (local)
        {
            RocketMqLog.ConnectionClosedLocally(_logger, Address, reason);
        }
        else
        {
            RocketMqLog.ConnectionClosed(_logger, Address, reason);
        }
        _closed.Cancel();
        try
        {
            _socket.Shutdown(SocketShutdown.Both);
        }
        catch (SocketException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
        _stream.Dispose();
        foreach (var (_, tcs) in _pending)
        {
            tcs.TrySetException(RocketMqProtocolException.Transport($"The RocketMQ connection to {Address} closed: {reason}"));
        }
        _pending.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        Close("disposed", local: true);
        try
        {
            await _readLoop.ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The loop only ends by closing; its error is already logged.
        }
        await _reader.CompleteAsync().ConfigureAwait(false);
    }

    internal static (string Host, int Port) ParseAddress(string address)
    {
        var colon = address.LastIndexOf(':');
        if (colon <= 0 || !int.TryParse(address.AsSpan(colon + 1), out var port))
        {
            throw new ArgumentException($"RocketMQ address '{address}' is not host:port.", nameof(address));
        }
        return (address[..colon].Trim('[', ']'), port);
    }
}
