using ImSignalR.Domain.Ports;

namespace ImSignalR.Domain.Services;

/// <summary>
/// Moderation hits of this node, per UTC day, waiting to be added to the daily statistics (SPEC §12). A hit
/// cannot be counted where the others are, as the store applies events: a refused message is never stored
/// or logged (SPEC §11). So the node counts in memory and a background flusher adds the sums once a second —
/// one store write per day per second, never a round trip per hit.
/// </summary>
/// <remarks>
/// Bounded: one number per day, at most <see cref="MaxPendingDays"/> days (a store away for longer loses the
/// oldest days' hits, never memory). A flush that fails puts its sums back for the next one. A flush whose
/// outcome is unknown (the commit happened but its answer was lost) may count those hits twice — statistics,
/// not a guarantee.
/// </remarks>
public sealed class ModerationHitCounter
{
    internal const int MaxPendingDays = 31;

    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private readonly SortedDictionary<DateOnly, long> _pending = [];

    public ModerationHitCounter(TimeProvider time)
    {
        _time = time;
    }

    /// <summary>Hits not flushed yet, all days (tests, shutdown).</summary>
    public long Pending
    {
        get
        {
            lock (_lock)
            {
                return _pending.Values.Sum();
            }
        }
    }

    /// <summary>One hit now (a verdict that refused or masked a send).</summary>
    public void Add() => Add(DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime), 1);

    /// <summary>Adds the pending sums to <paramref name="store"/>, one call per day; on failure the unflushed sums stay pending.</summary>
    /// <returns>The hits written.</returns>
    public async Task<long> FlushAsync(IStatsStore store, CancellationToken cancellationToken)
    {
        KeyValuePair<DateOnly, long>[] batch;
        lock (_lock)
        {
            if (_pending.Count == 0)
            {
                return 0;
            }
            batch = [.. _pending];
            _pending.Clear();
        }
        long written = 0;
        for (var i = 0; i < batch.Length; i++)
        {
            try
            {
                await store.AddModerationHitsAsync(batch[i].Key, batch[i].Value, cancellationToken).ConfigureAwait(false);
                written += batch[i].Value;
            }
            catch
            {
                for (var j = i; j < batch.Length; j++)
                {
                    Add(batch[j].Key, batch[j].Value);
                }
                throw;
            }
        }
        return written;
    }

    private void Add(DateOnly day, long hits)
    {
        lock (_lock)
        {
            _pending[day] = _pending.GetValueOrDefault(day) + hits;
            if (_pending.Count > MaxPendingDays)
            {
                _pending.Remove(_pending.Keys.First());
            }
        }
    }
}
