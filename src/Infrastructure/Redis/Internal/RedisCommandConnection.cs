using System.Collections.Concurrent;
using System.Threading.Channels;
using ImSignalR.Infrastructure.Redis.Protocol;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Infrastructure.Redis.Internal;

/// <summary>
/// The pipelined, multiplexed command connection. Callers enqueue commands on a channel; one writer drains
/// whatever is queued, appends each command to the in-flight FIFO before writing it and flushes once per
/// batch; one reader matches replies to that FIFO in order (Redis answers in command order on a connection).
/// A connection loop reconnects with backoff; commands written on a connection that broke fail with
/// <see cref="RedisUnavailableException"/> (they may have run), commands not yet written wait for the next one.
/// </summary>
internal sealed class RedisCommandConnection : IAsyncDisposable
{
    // Flush mid-batch past this many bytes so one huge batch does not sit in memory.
    private const int MaxUnflushedBytes = 256 * 1024;
    private const string Role = "command";

    private readonly RedisConfiguration _config;
    private readonly RespLimits _limits;
    private readonly ILogger _logger;
    private readonly Channel<PendingCommand> _queue = Channel.CreateUnbounded<PendingCommand>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Queue<PendingCommand> _inflight = new();
    private readonly ConcurrentQueue<PendingCommand> _byDeadline = new();
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Timer _timeoutTimer;
    private readonly Task _connectionLoop;
    private volatile bool _connected;
    private volatile Exception? _connectFailure;

    public RedisCommandConnection(RedisConfiguration config, RespLimits limits, ILogger logger)
    {
        _config = config;
        _limits = limits;
        _logger = logger;
        var tick = TimeSpan.FromMilliseconds(Math.Clamp(config.CommandTimeout.TotalMilliseconds / 4, 10, 100));
        _timeoutTimer = new Timer(static s => ((RedisCommandConnection)s!).ExpireTimedOut(), this, tick, tick);
        _connectionLoop = Task.Run(RunAsync);
    }

    public event EventHandler<RedisConnectionEventArgs>? Connected;

    public event EventHandler<RedisConnectionEventArgs>? Disconnected;

    public bool IsConnected => _connected;

    public Task<RedisValue> ExecuteAsync(RedisArg[] command, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_shutdown.IsCancellationRequested, this);
        if (!_connected && _connectFailure is { } failure)
        {
            // Fail fast while Redis is known to be away instead of letting every caller wait for the timeout.
            return Task.FromException<RedisValue>(new RedisUnavailableException(failure.Message, failure));
        }
        var pending = new PendingCommand(command, Environment.TickCount64 + (long)_config.CommandTimeout.TotalMilliseconds);
        if (cancellationToken.CanBeCanceled)
        {
            pending.Cancellation = cancellationToken.UnsafeRegister(static (s, ct) => ((PendingCommand)s!).TrySetCanceled(ct), pending);
        }
        _byDeadline.Enqueue(pending);
        if (!_queue.Writer.TryWrite(pending))
        {
            pending.Fail(new ObjectDisposedException(nameof(RedisCommandConnection)));
        }
        return pending.Task;
    }

    public async ValueTask DisposeAsync()
    {
        if (_shutdown.IsCancellationRequested)
        {
            return;
        }
        _shutdown.Cancel();
        _queue.Writer.TryComplete();
        await _timeoutTimer.DisposeAsync().ConfigureAwait(false);
        try
        {
            await _connectionLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        var disposed = new ObjectDisposedException(nameof(RedisCommandConnection));
        FailInflight(disposed);
        while (_queue.Reader.TryRead(out var queued))
        {
            queued.Fail(disposed);
        }
        _shutdown.Dispose();
    }

    private async Task RunAsync()
    {
        var cycle = new ReconnectCycle(_config, Role, _logger, e => Connected?.Invoke(this, e), e => Disconnected?.Invoke(this, e), _shutdown.Token);
        while (!_shutdown.IsCancellationRequested)
        {
            RedisSocket socket;
            try
            {
                socket = await RedisSocket.ConnectAsync(_config, Role, _limits, _shutdown.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (!_shutdown.IsCancellationRequested)
            {
                _connectFailure = ex;
                FailQueued(ex);
                await cycle.FailedAsync(ex).ConfigureAwait(false);
                continue;
            }
            catch (Exception) when (_shutdown.IsCancellationRequested)
            {
                return;
            }

            _connectFailure = null;
            _connected = true;
            cycle.Succeeded();

            Exception error;
            try
            {
                error = await RunSessionAsync(socket).ConfigureAwait(false);
            }
            catch (Exception ex)
            {
                // Whatever ends a session, the loop goes on to reconnect: a loop that ended here would
                // leave the connection "connected" with no writer, and every command would time out.
                error = ex;
            }
            _connected = false;
            await socket.DisposeAsync().ConfigureAwait(false);
            if (_shutdown.IsCancellationRequested)
            {
                return;
            }
            FailInflight(new RedisUnavailableException($"The Redis connection to {cycle.Endpoint} broke; the command may or may not have run.", error));
            cycle.Broke(error);
        }
    }

    /// <summary>Runs the writer and reader until either fails; returns why the session ended.</summary>
    private async Task<Exception> RunSessionAsync(RedisSocket socket)
    {
        using var session = CancellationTokenSource.CreateLinkedTokenSource(_shutdown.Token);
        var writer = WriteLoopAsync(socket, session.Token);
        var reader = ReadLoopAsync(socket, session.Token);
        // ForceYielding: when shutdown cancels the session, a loop can finish inside that cancel
        // callback; resuming inline would dispose `session` while its callbacks are still running
        // (ObjectDisposedException out of DisposeAsync).
        var first = await Task.WhenAny(writer, reader).ConfigureAwait(ConfigureAwaitOptions.ForceYielding);
        session.Cancel();
        socket.Abort();   // unblocks the other loop; the pipes are completed only once both loops are out
        try
        {
            await Task.WhenAll(writer, reader).ConfigureAwait(false);
        }
        catch
        {
            // Both loops end with an exception by design; the first one says why.
        }
        await socket.DisposeAsync().ConfigureAwait(false);
        return first.Exception?.GetBaseException() ?? new RedisUnavailableException("The Redis connection closed.");
    }

    private async Task WriteLoopAsync(RedisSocket socket, CancellationToken cancellationToken)
    {
        var output = socket.Output;
        var reader = _queue.Reader;
        while (await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            while (reader.TryRead(out var command))
            {
                if (command.Task.IsCompleted)
                {
                    // Timed out or canceled before it was written: never send it, so no reply needs matching.
                    continue;
                }
                lock (_inflight)
                {
                    _inflight.Enqueue(command);
                }
                RespWriter.WriteCommand(output, command.Args);
                if (output.UnflushedBytes > MaxUnflushedBytes)
                {
                    await output.FlushAsync(cancellationToken).ConfigureAwait(false);
                }
            }
            var flush = await output.FlushAsync(cancellationToken).ConfigureAwait(false);
            if (flush.IsCompleted)
            {
                throw new RedisUnavailableException("The Redis connection closed while writing.");
            }
        }
        throw new OperationCanceledException();
    }

    private async Task ReadLoopAsync(RedisSocket socket, CancellationToken cancellationToken)
    {
        var input = socket.Input;
        while (true)
        {
            var result = await input.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            try
            {
                while (RespParser.TryRead(ref buffer, _limits, out var reply))
                {
                    PendingCommand? command;
                    lock (_inflight)
                    {
                        _inflight.TryDequeue(out command);
                    }
                    if (command is null)
                    {
                        throw new RedisProtocolException($"Redis sent a reply nobody asked for: {reply}.");
                    }
                    command.Complete(reply);
                }
            }
            finally
            {
                input.AdvanceTo(buffer.Start, buffer.End);
            }
            if (result.IsCompleted)
            {
                throw new RedisUnavailableException("Redis closed the connection.");
            }
        }
    }

    private void ExpireTimedOut()
    {
        var now = Environment.TickCount64;
        // Deadlines are enqueued in (nearly) increasing order: stop at the first live one that is not due.
        while (_byDeadline.TryPeek(out var head))
        {
            if (!head.Task.IsCompleted)
            {
                if (head.Deadline > now)
                {
                    break;
                }
                int inflight;
                lock (_inflight)
                {
                    inflight = _inflight.Count;
                }
                // The reply slot stays in the FIFO; when the late reply arrives it completes nothing.
                head.Fail(new RedisTimeoutException(
                    $"Redis command {head.Name} timed out after {_config.CommandTimeout.TotalMilliseconds} ms " +
                    $"(connected: {_connected}, in flight: {inflight}, endpoint: {_config})."));
            }
            _byDeadline.TryDequeue(out _);
        }
    }

    private void FailInflight(Exception error)
    {
        lock (_inflight)
        {
            while (_inflight.TryDequeue(out var command))
            {
                command.Fail(error);
            }
        }
    }

    private void FailQueued(Exception error)
    {
        var unavailable = error as RedisUnavailableException ?? new RedisUnavailableException(error.Message, error);
        while (_queue.Reader.TryRead(out var command))
        {
            command.Fail(unavailable);
        }
    }
}
