using System.Collections.Concurrent;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Domain.InProcess;

/// <summary>
/// Dedupe keys with expiry, in memory, bounded. Forgets on restart, and forgets the oldest keys once
/// <see cref="DefaultMaxEntries"/> writes are held — the store's unique key on <c>(from_user_id, client_msg_id)</c>
/// answers resends after that, so the bound costs a store round trip on a late resend, never a duplicate.
/// </summary>
public sealed class InProcessDedupeCache : IDedupeCache
{
    /// <summary>
    /// Writes remembered (a send writes twice: reserve, complete), so about half as many keys, some 30 MB:
    /// the last minutes of a busy node, or a day of a quiet one.
    /// </summary>
    public const int DefaultMaxEntries = 250_000;

    // At most this many queue items are examined per write, so no single send pays for a large cleanup.
    private const int CleanupStepsPerWrite = 8;

    private readonly ConcurrentDictionary<(string, string), Entry> _entries = new();

    // Every entry ever written, in write order. An item whose entry was replaced or removed since is
    // stale and skipped; the head is dropped once it expired or the cache is over its bound.
    private readonly ConcurrentQueue<((string, string) Key, Entry Entry)> _order = new();
    private readonly Lock _cleanup = new();
    private readonly TimeProvider _time;
    private readonly int _maxEntries;
    private int _queued;

    public InProcessDedupeCache(TimeProvider time)
        : this(time, DefaultMaxEntries)
    {
    }

    public InProcessDedupeCache(TimeProvider time, int maxEntries)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        _time = time;
        _maxEntries = maxEntries;
    }

    internal int Count => _entries.Count;

    public ValueTask<DedupeLookup> TryReserveAsync(string fromUserId, string clientMsgId, TimeSpan pendingTtl, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var key = (fromUserId, clientMsgId);
        var reservation = new Entry(null, now + pendingTtl);
        while (true)
        {
            if (_entries.TryAdd(key, reservation))
            {
                Written(key, reservation, now);
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
                    Written(key, reservation, now);
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
        var now = _time.GetUtcNow();
        var key = (fromUserId, clientMsgId);
        var entry = new Entry(record, now + window);
        _entries[key] = entry;
        Written(key, entry, now);
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

    private void Written((string, string) key, Entry entry, DateTimeOffset now)
    {
        _order.Enqueue((key, entry));
        Interlocked.Increment(ref _queued);
        // One cleaner at a time; a write that finds it busy leaves the work to the next one.
        if (!_cleanup.TryEnter())
        {
            return;
        }
        try
        {
            for (var step = 0; step < CleanupStepsPerWrite && _order.TryPeek(out var head); step++)
            {
                var current = _entries.TryGetValue(head.Key, out var live) && ReferenceEquals(live, head.Entry);
                // The queue's length bounds the keys (each live key has an item) and, unlike
                // ConcurrentDictionary.Count, costs no locks to read.
                if (current && head.Entry.ExpiresAt > now && Volatile.Read(ref _queued) <= _maxEntries)
                {
                    return;
                }
                _order.TryDequeue(out _);
                Interlocked.Decrement(ref _queued);
                if (current)
                {
                    _entries.TryRemove(new KeyValuePair<(string, string), Entry>(head.Key, head.Entry));
                }
            }
        }
        finally
        {
            _cleanup.Exit();
        }
    }

    private sealed record Entry(DedupeRecord? Record, DateTimeOffset ExpiresAt);
}
