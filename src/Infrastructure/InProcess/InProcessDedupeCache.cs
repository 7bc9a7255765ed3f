using System.Collections.Concurrent;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Infrastructure.InProcess;

/// <summary>
/// Dedupe keys with expiry, in memory. Forgets on restart — the store's unique key on
/// <c>(from_user_id, client_msg_id)</c> answers resends after that.
/// </summary>
public sealed class InProcessDedupeCache : IDedupeCache
{
    // Expired entries are dropped by a sweep every so many writes, so memory stays bounded by the
    // number of sends in one window without a timer.
    private const int SweepEvery = 4096;

    private readonly ConcurrentDictionary<(string, string), Entry> _entries = new();
    private readonly TimeProvider _time;
    private int _writes;

    public InProcessDedupeCache(TimeProvider time)
    {
        _time = time;
    }

    public ValueTask<DedupeLookup> TryReserveAsync(string fromUserId, string clientMsgId, TimeSpan pendingTtl, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var key = (fromUserId, clientMsgId);
        var reservation = new Entry(null, now + pendingTtl);
        MaybeSweep(now);
        while (true)
        {
            if (_entries.TryAdd(key, reservation))
            {
                return ValueTask.FromResult(new DedupeLookup(DedupeState.Reserved));
            }
            if (!_entries.TryGetValue(key, out var existing))
            {
                continue;
            }
            if (existing.ExpiresAt <= now)
            {
                // Expired: take it over atomically, or loop if someone else did first.
                if (_entries.TryUpdate(key, reservation, existing))
                {
                    return ValueTask.FromResult(new DedupeLookup(DedupeState.Reserved));
                }
                continue;
            }
            return ValueTask.FromResult(existing.Record is null
                ? new DedupeLookup(DedupeState.Pending)
                : new DedupeLookup(DedupeState.Completed, existing.Record));
        }
    }

    public ValueTask CompleteAsync(string fromUserId, string clientMsgId, DedupeRecord record, TimeSpan window, CancellationToken cancellationToken)
    {
        _entries[(fromUserId, clientMsgId)] = new Entry(record, _time.GetUtcNow() + window);
        return ValueTask.CompletedTask;
    }

    public ValueTask ReleaseAsync(string fromUserId, string clientMsgId, CancellationToken cancellationToken)
    {
        var key = (fromUserId, clientMsgId);
        // Only a pending reservation is released; a completed result must survive a late failure.
        if (_entries.TryGetValue(key, out var existing) && existing.Record is null)
        {
            _entries.TryRemove(new KeyValuePair<(string, string), Entry>(key, existing));
        }
        return ValueTask.CompletedTask;
    }

    internal int Count => _entries.Count;

    private void MaybeSweep(DateTimeOffset now)
    {
        if (Interlocked.Increment(ref _writes) % SweepEvery != 0)
        {
            return;
        }
        foreach (var pair in _entries)
        {
            if (pair.Value.ExpiresAt <= now)
            {
                _entries.TryRemove(pair);
            }
        }
    }

    private sealed record Entry(DedupeRecord? Record, DateTimeOffset ExpiresAt);
}
