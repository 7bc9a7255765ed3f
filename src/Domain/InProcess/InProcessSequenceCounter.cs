using System.Collections.Concurrent;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Domain.InProcess;

/// <summary>
/// <see cref="ISequenceCounter"/> in memory (one node). All of it is lost only with the process, so one marker
/// stands for every chat: a new process finds it missing, as a Redis that restarted empty does.
/// </summary>
public sealed class InProcessSequenceCounter : ISequenceCounter
{
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    // Seeding and raising a missing counter are rare: one lock keeps "create if still missing" and the marker atomic.
    private readonly Lock _seeding = new();
    private bool _marker;
    private DateTimeOffset _recoveringUntil = DateTimeOffset.MinValue;

    public InProcessSequenceCounter(TimeProvider? time = null)
    {
        _time = time ?? TimeProvider.System;
    }

    public ValueTask<long?> IncrementExistingAsync(string chatId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_counters.TryGetValue(chatId, out var counter) ? Interlocked.Increment(ref counter.Value) : (long?)null);

    public ValueTask<long?> SeedAsync(string chatId, SequenceSeed seed, CancellationToken cancellationToken)
    {
        lock (_seeding)
        {
            if (_counters.TryGetValue(chatId, out var existing))
            {
                return ValueTask.FromResult<long?>(Interlocked.Increment(ref existing.Value));
            }
            if (!_marker)
            {
                if (seed.StoreHasMessages is not { } history)
                {
                    return ValueTask.FromResult<long?>(null);
                }
                _marker = true;
                if (history && seed.RecoveryWindow is { } window)
                {
                    _recoveringUntil = _time.GetUtcNow() + window;
                }
            }
            var start = _time.GetUtcNow() < _recoveringUntil ? seed.RecoverySeed : seed.Seed;
            // The value handed out is this one: once published, other callers may increment the counter at once.
            var first = start + 1;
            _counters[chatId] = new Counter { Value = first };
            return ValueTask.FromResult<long?>(first);
        }
    }

    public ValueTask RaiseToAsync(string chatId, long floor, long seedIfMissing, CancellationToken cancellationToken)
    {
        if (!_counters.TryGetValue(chatId, out var counter))
        {
            lock (_seeding)
            {
                if (!_counters.TryGetValue(chatId, out counter))
                {
                    _counters[chatId] = new Counter { Value = seedIfMissing };
                    return ValueTask.CompletedTask;
                }
            }
        }
        // Never lower: a seq handed out stays handed out.
        var current = Volatile.Read(ref counter.Value);
        while (current < floor)
        {
            var seen = Interlocked.CompareExchange(ref counter.Value, floor, current);
            if (seen == current)
            {
                return ValueTask.CompletedTask;
            }
            current = seen;
        }
        return ValueTask.CompletedTask;
    }

    private sealed class Counter
    {
        public long Value;
    }
}
