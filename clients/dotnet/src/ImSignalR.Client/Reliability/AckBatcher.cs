using System.Threading.Channels;

namespace ImSignalR.Client.Reliability;

/// <summary>
/// Sends <c>Delivered</c> acks in batches: a batch goes when it holds <see cref="MaxBatch"/> ids or when
/// its first id has waited <c>flushInterval</c>. A batch that fails on the transport (or with a
/// retriable code) is kept and sent again on the next connection, so acks pending when a connection
/// drops are not lost; acks are idempotent on the server, so a resend is harmless.
/// Bounded: when <c>capacity</c> ids wait (the server is unreachable for long), the oldest is dropped —
/// safe, because a message whose Delivered ack never arrives is re-pushed by the server's retry sweeper
/// and its repeat is acked again (and it stays in sync's undelivered list until then).
/// </summary>
internal sealed class AckBatcher : IAsyncDisposable
{
    /// <summary>Ids per Ack call, well under the server's per-call limit.</summary>
    public const int MaxBatch = 100;

    /// <summary>Ceiling of the delay between resends of a failed batch.</summary>
    public static readonly TimeSpan MaxRetryDelay = TimeSpan.FromSeconds(10);

    private readonly IHubCallsSource _source;
    private readonly TimeSpan _flushInterval;
    private readonly TimeSpan _retryDelay;
    private readonly Channel<string> _pending;
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private long _acked;
    private long _inFlight;

    public AckBatcher(IHubCallsSource source, TimeSpan flushInterval, TimeSpan retryDelay, int capacity = 100_000)
    {
        _pending = Channel.CreateBounded<string>(
            new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ => Interlocked.Decrement(ref _inFlight));
        _source = source;
        _flushInterval = flushInterval;
        _retryDelay = retryDelay;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Ids the server has acknowledged so far (for tests and diagnostics).</summary>
    public long AckedCount => Interlocked.Read(ref _acked);

    /// <summary>Ids queued or in flight.</summary>
    public long PendingCount => Interlocked.Read(ref _inFlight);

    public void Add(string msgId)
    {
        Interlocked.Increment(ref _inFlight);
        if (!_pending.Writer.TryWrite(msgId))
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public async ValueTask DisposeAsync()
    {
        _pending.Writer.TryComplete();
        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await _loop.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
        {
            // Stopping (the client disposes its connection first): acks still queued are dropped; the
            // server re-pushes those messages and the next session's sync covers them.
        }
        _stopping.Dispose();
    }

    private async Task LoopAsync()
    {
        var token = _stopping.Token;
        var batch = new List<string>(MaxBatch);
        while (await _pending.Reader.WaitToReadAsync(token).ConfigureAwait(false))
        {
            // Collect until the batch is full or the first id has waited the flush interval.
            using (var window = CancellationTokenSource.CreateLinkedTokenSource(token))
            {
                window.CancelAfter(_flushInterval);
                try
                {
                    while (batch.Count < MaxBatch)
                    {
                        while (batch.Count < MaxBatch && _pending.Reader.TryRead(out var id))
                        {
                            batch.Add(id);
                        }
                        if (batch.Count < MaxBatch && !await _pending.Reader.WaitToReadAsync(window.Token).ConfigureAwait(false))
                        {
                            break;
                        }
                    }
                }
                catch (OperationCanceledException) when (!token.IsCancellationRequested)
                {
                    // Flush interval elapsed.
                }
            }
            await SendAsync(batch, token).ConfigureAwait(false);
            Interlocked.Add(ref _inFlight, -batch.Count);
            batch.Clear();
        }
    }

    private async Task SendAsync(List<string> batch, CancellationToken cancellationToken)
    {
        var ids = batch.Distinct(StringComparer.Ordinal).ToArray();
        var failures = 0;
        while (true)
        {
            try
            {
                var calls = await _source.WaitForConnectionAsync(cancellationToken).ConfigureAwait(false);
                await calls.AckAsync(ids, "Delivered", cancellationToken).ConfigureAwait(false);
                Interlocked.Add(ref _acked, ids.Length);
                return;
            }
            catch (Exception ex) when (RetryableFailure.IsTransport(ex) || RetryableFailure.IsRetriableServer(ex))
            {
                // Exponential with jitter up to a cap: a server that keeps refusing is not hammered.
                await Task.Delay(Backoff.Delay(failures++, _retryDelay, MaxRetryDelay), cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is ImServerException or ImProtocolException)
            {
                // Refused for good (e.g. ids that are not ours): resending cannot help; the server's
                // retry budget and the next sync still bound what happens to those messages.
                return;
            }
        }
    }
}
