using System.Collections.Concurrent;
using ImSignalR.Infrastructure.Redis.Protocol;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Infrastructure.Redis.Internal;

/// <summary>
/// The dedicated subscriber connection (RESP2 allows only (UN)SUBSCRIBE/PING on a subscribed connection).
/// <para>Redis answers SUBSCRIBE with one <c>["subscribe", channel, count]</c> per channel and delivers
/// <c>["message", channel, payload]</c>. Changes to the channel set are serialised by one gate and each waits
/// for its confirmations. After a reconnect every channel that still has a handler is subscribed again in one
/// command before the connection reports itself connected; messages published meanwhile are lost (pub/sub is
/// at-most-once).</para>
/// </summary>
internal sealed class RedisSubscriberConnection : IAsyncDisposable
{
    private const string Role = "subscriber";

    private readonly RedisConfiguration _config;
    private readonly RespLimits _limits;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<string, RedisSubscription[]> _channels = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly CancellationTokenSource _shutdown = new();
    private readonly Task _connectionLoop;
    private RedisSocket? _socket;
    private AckWaiter? _ack;
    private volatile bool _connected;
    private volatile Exception? _lastFailure;

    public RedisSubscriberConnection(RedisConfiguration config, RespLimits limits, ILogger logger)
    {
        _config = config;
        _limits = limits;
        _logger = logger;
        _connectionLoop = Task.Run(RunAsync);
    }

    public event EventHandler<RedisConnectionEventArgs>? Connected;

    public event EventHandler<RedisConnectionEventArgs>? Disconnected;

    public bool IsConnected => _connected;

    public IReadOnlyCollection<string> Channels => (IReadOnlyCollection<string>)_channels.Keys;

    public async Task<RedisSubscription> SubscribeAsync(string channel, Func<ReadOnlyMemory<byte>, ValueTask> handler, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_shutdown.IsCancellationRequested, this);
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_channels.TryGetValue(channel, out var existing))
            {
                if (!_connected || _socket is null)
                {
                    throw new RedisUnavailableException($"The Redis subscriber connection to {_config} is down.", _lastFailure);
                }
                await SendAndAwaitAcksAsync(_socket, "SUBSCRIBE", [channel], cancellationToken).ConfigureAwait(false);
                existing = [];
            }
            var subscription = new RedisSubscription(this, channel, handler, _logger);
            _channels[channel] = [.. existing, subscription];
            return subscription;
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task UnsubscribeAsync(RedisSubscription subscription)
    {
        if (_shutdown.IsCancellationRequested)
        {
            return;
        }
        await _gate.WaitAsync().ConfigureAwait(false);
        try
        {
            if (!_channels.TryGetValue(subscription.Channel, out var existing))
            {
                return;
            }
            var remaining = existing.Where(s => !ReferenceEquals(s, subscription)).ToArray();
            if (remaining.Length > 0)
            {
                _channels[subscription.Channel] = remaining;
                return;
            }
            _channels.TryRemove(subscription.Channel, out _);
            // When disconnected there is nothing to undo: a reconnect only re-subscribes live channels.
            if (_connected && _socket is { } socket)
            {
                await SendAndAwaitAcksAsync(socket, "UNSUBSCRIBE", [subscription.Channel], CancellationToken.None).ConfigureAwait(false);
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_shutdown.IsCancellationRequested)
        {
            return;
        }
        _shutdown.Cancel();
        if (_socket is { } socket)
        {
            await socket.DisposeAsync().ConfigureAwait(false);
        }
        try
        {
            await _connectionLoop.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        foreach (var subscription in _channels.Values.SelectMany(s => s))
        {
            subscription.Complete();
        }
        _channels.Clear();
    }

    private async Task RunAsync()
    {
        var cycle = new ReconnectCycle(_config, Role, _logger, e => Connected?.Invoke(this, e), e => Disconnected?.Invoke(this, e), _shutdown.Token);
        while (!_shutdown.IsCancellationRequested)
        {
            RedisSocket? socket = null;
            Task? reader = null;
            try
            {
                socket = await RedisSocket.ConnectAsync(_config, Role, _limits, _shutdown.Token).ConfigureAwait(false);
                reader = ReadLoopAsync(socket);
                await _gate.WaitAsync(_shutdown.Token).ConfigureAwait(false);
                try
                {
                    var channels = _channels.Keys.ToArray();
                    if (channels.Length > 0)
                    {
                        await SendAndAwaitAcksAsync(socket, "SUBSCRIBE", channels, _shutdown.Token).ConfigureAwait(false);
                        RedisLog.Resubscribed(_logger, channels.Length);
                    }
                    _socket = socket;
                    _connected = true;
                    _lastFailure = null;
                }
                finally
                {
                    _gate.Release();
                }
            }
            catch (Exception ex) when (!_shutdown.IsCancellationRequested)
            {
                _lastFailure = ex;
                if (socket is not null)
                {
                    await socket.DisposeAsync().ConfigureAwait(false);
                }
                await cycle.FailedAsync(ex).ConfigureAwait(false);
                continue;
            }
            catch (Exception) when (_shutdown.IsCancellationRequested)
            {
                return;
            }

            cycle.Succeeded();

            Exception error;
            try
            {
                await reader.ConfigureAwait(false);
                error = new RedisUnavailableException("The Redis subscriber connection closed.");
            }
            catch (Exception ex)
            {
                error = ex;
            }
            _connected = false;
            _lastFailure = error;
            await _gate.WaitAsync().ConfigureAwait(false);
            _socket = null;
            _gate.Release();
            await socket.DisposeAsync().ConfigureAwait(false);
            if (_shutdown.IsCancellationRequested)
            {
                return;
            }
            cycle.Broke(error);
        }
    }

    /// <summary>Caller holds the gate, so at most one (UN)SUBSCRIBE waits for confirmations at a time.</summary>
    private async Task SendAndAwaitAcksAsync(RedisSocket socket, string command, string[] channels, CancellationToken cancellationToken)
    {
        var waiter = new AckWaiter(command.ToLowerInvariant(), channels.Length);
        Volatile.Write(ref _ack, waiter);
        try
        {
            var args = new RedisArg[channels.Length + 1];
            args[0] = command;
            for (var i = 0; i < channels.Length; i++)
            {
                args[i + 1] = channels[i];
            }
            RespWriter.WriteCommand(socket.Output, args);
            await socket.Output.FlushAsync(cancellationToken).ConfigureAwait(false);
            await waiter.Task.WaitAsync(_config.CommandTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            throw new RedisTimeoutException($"Redis did not confirm {command} of {channels.Length} channel(s) within {_config.CommandTimeout.TotalMilliseconds} ms.");
        }
        finally
        {
            Volatile.Write(ref _ack, null);
        }
    }

    private async Task ReadLoopAsync(RedisSocket socket)
    {
        await Task.Yield();
        var input = socket.Input;
        try
        {
            while (true)
            {
                var result = await input.ReadAsync(_shutdown.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                try
                {
                    while (RespParser.TryRead(ref buffer, _limits, out var frame))
                    {
                        Dispatch(frame);
                    }
                }
                finally
                {
                    input.AdvanceTo(buffer.Start, buffer.End);
                }
                if (result.IsCompleted)
                {
                    throw new RedisUnavailableException("Redis closed the subscriber connection.");
                }
            }
        }
        catch (Exception ex)
        {
            Volatile.Read(ref _ack)?.TrySetException(ex);
            throw;
        }
    }

    private void Dispatch(in RedisValue frame)
    {
        if (frame.IsError)
        {
            Volatile.Read(ref _ack)?.TrySetException(new RedisServerException(frame.AsString() ?? "ERR"));
            return;
        }
        var items = frame.Items;
        if (items.Length < 3)
        {
            return;
        }
        var kind = items[0].Memory.Span;
        if (kind.SequenceEqual("message"u8))
        {
            var channel = items[1].AsString()!;
            if (_channels.TryGetValue(channel, out var subscriptions))
            {
                var payload = items[2].AsBytes() ?? [];
                foreach (var subscription in subscriptions)
                {
                    subscription.Post(payload);
                }
            }
        }
        else if (kind.SequenceEqual("subscribe"u8) || kind.SequenceEqual("unsubscribe"u8))
        {
            Volatile.Read(ref _ack)?.Confirm(items[0].AsString()!);
        }
    }

    /// <summary>Counts the per-channel confirmations of one (UN)SUBSCRIBE command.</summary>
    private sealed class AckWaiter(string kind, int expected) : TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        private int _remaining = expected;

        public void Confirm(string receivedKind)
        {
            if (receivedKind == kind && Interlocked.Decrement(ref _remaining) == 0)
            {
                TrySetResult();
            }
        }
    }
}
