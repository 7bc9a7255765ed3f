using System.Collections.Concurrent;

namespace ImSignalR.RocketMq.Consumer;

/// <summary>
/// Where this consumer stands on each queue it owns: the next offset it has handled and committed, and the
/// broker's max offset as last reported by a pull or asked with each heartbeat. Lag = max − next (messages written but not yet handled).
/// Holds only owned queues, so its size is bounded by the topic's queue count.
/// </summary>
internal sealed class QueueProgress
{
    private readonly ConcurrentDictionary<MessageQueue, Entry> _entries = new();
    private TaskCompletionSource _advanced = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private TaskCompletionSource _wake = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>A pull answered: <paramref name="offset"/> is still to handle, the queue ends at <paramref name="maxOffset"/>.</summary>
    public void Observe(MessageQueue queue, long offset, long? maxOffset)
    {
        var previous = _entries.GetValueOrDefault(queue);
        _entries[queue] = new Entry(previous?.Applied ?? offset, maxOffset ?? previous?.Max ?? offset);
    }

    /// <summary>Everything before <paramref name="next"/> is handled and committed.</summary>
    public void Applied(MessageQueue queue, long next, long? maxOffset)
    {
        var previous = _entries.GetValueOrDefault(queue);
        _entries[queue] = new Entry(next, Math.Max(maxOffset ?? previous?.Max ?? next, next));
        Interlocked.Exchange(ref _advanced, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }

    /// <summary>The broker's max offset, asked out of band (a batch in progress can take long).</summary>
    public void ObserveMax(MessageQueue queue, long maxOffset)
    {
        if (_entries.TryGetValue(queue, out var e) && maxOffset > e.Max)
        {
            _entries.TryUpdate(queue, e with { Max = maxOffset }, e);
        }
    }

    public void Forget(MessageQueue queue) => _entries.TryRemove(queue, out _);

    /// <summary>The next offset to handle on <paramref name="queue"/>, or null when this consumer does not own it.</summary>
    public long? AppliedOffset(MessageQueue queue) => _entries.TryGetValue(queue, out var e) ? e.Applied : null;

    /// <summary>
    /// Someone waits for this consumer (a read-your-writes read): queues pausing after a failed pull try again
    /// now, since the broker just answered the reader, instead of sleeping out their backoff.
    /// </summary>
    public void Wake() => Interlocked.Exchange(ref _wake, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();

    /// <summary>Completes at the next <see cref="Wake"/>.</summary>
    public Task NextWake => Volatile.Read(ref _wake).Task;

    /// <summary>Completes the next time any queue advances.</summary>
    public Task NextAdvance => Volatile.Read(ref _advanced).Task;

    public IEnumerable<(MessageQueue Queue, long Lag)> Lags() =>
        _entries.Select(e => (e.Key, Math.Max(0, e.Value.Max - e.Value.Applied)));

    private sealed record Entry(long Applied, long Max);
}
