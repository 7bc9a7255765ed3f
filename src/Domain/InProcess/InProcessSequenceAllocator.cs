using System.Collections.Concurrent;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Domain.InProcess;

/// <summary>
/// Per-conversation counters in memory, each seeded from the store's highest seq the first time the
/// conversation is seen after start — so a restart continues the sequence instead of repeating it.
/// </summary>
public sealed class InProcessSequenceAllocator : ISequenceAllocator
{
    private readonly ConcurrentDictionary<string, Counter> _counters = new(StringComparer.Ordinal);
    private readonly IMessageStore _store;

    public InProcessSequenceAllocator(IMessageStore store)
    {
        _store = store;
    }

    public async ValueTask<long> NextAsync(string chatId, CancellationToken cancellationToken)
    {
        var counter = _counters.GetOrAdd(chatId, _ => new Counter());
        if (!counter.Seeded)
        {
            await counter.Gate.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                if (!counter.Seeded)
                {
                    var storeMax = await _store.GetMaxSeqAsync(chatId, cancellationToken).ConfigureAwait(false);
                    RaiseTo(counter, storeMax);
                    counter.Seeded = true;
                }
            }
            finally
            {
                counter.Gate.Release();
            }
        }
        return Interlocked.Increment(ref counter.Value);
    }

    public ValueTask ReseedAsync(string chatId, long storeMaxSeq, CancellationToken cancellationToken)
    {
        RaiseTo(_counters.GetOrAdd(chatId, _ => new Counter()), storeMaxSeq);
        return ValueTask.CompletedTask;
    }

    private static void RaiseTo(Counter counter, long floor)
    {
        // Never lower: a seq handed out stays handed out.
        var current = Volatile.Read(ref counter.Value);
        while (current < floor)
        {
            var seen = Interlocked.CompareExchange(ref counter.Value, floor, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    private sealed class Counter
    {
        public long Value;
        public volatile bool Seeded;
        public readonly SemaphoreSlim Gate = new(1, 1);
    }
}
