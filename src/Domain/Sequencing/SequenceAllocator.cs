using ImSignalR.Domain.Ports;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Domain.Sequencing;

/// <summary>
/// Per-chat seqs that never repeat (SPEC G3), over any <see cref="ISequenceCounter"/>. A missing counter (new chat,
/// or its state was lost) is seeded from the store's max; when the store already holds messages the seed jumps
/// <see cref="SequencingOptions.ReseedJump"/> past it, because with the RocketMQ log accepted messages may not have
/// reached the store yet. Two nodes that miss together: the counter's seed step counts only the first seed.
/// </summary>
/// <remarks>
/// With a store that may lag, a conversation whose only messages are still in the log has no stored row, so its max
/// reads 0: after a loss of the counters that would repeat seq 1. The counter's marker tells the cases apart: a
/// missing marker while the store holds messages means the counters were lost, and for
/// <see cref="SequencingOptions.RecoveryWindow"/> every new counter then jumps too. The store is asked whether it
/// holds any message only then (once per loss, not per chat).
/// </remarks>
public sealed class SequenceAllocator : ISequenceAllocator
{
    private readonly ISequenceCounter _counter;
    private readonly ISequenceReads _store;
    private readonly long _reseedJump;
    private readonly TimeSpan? _recoveryWindow;
    private readonly ILogger<SequenceAllocator> _logger;

    public SequenceAllocator(ISequenceCounter counter, ISequenceReads store, SequencingOptions options, ILogger<SequenceAllocator> logger)
    {
        var problems = options.Validate().ToList();
        if (problems.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", problems), nameof(options));
        }
        _counter = counter;
        _store = store;
        _reseedJump = options.ReseedJump;
        // A store that never lags has an exact max: lost counters need no recovery window.
        _recoveryWindow = options.StoreMayLag ? options.RecoveryWindow : null;
        _logger = logger;
    }

    public async ValueTask<long> NextAsync(string chatId, CancellationToken cancellationToken)
    {
        if (await _counter.IncrementExistingAsync(chatId, cancellationToken).ConfigureAwait(false) is { } next)
        {
            return next;
        }
        var storeMax = await _store.GetMaxSeqAsync(chatId, cancellationToken).ConfigureAwait(false);
        var seed = new SequenceSeed(SeedFor(storeMax), storeMax + _reseedJump, _recoveryWindow, _recoveryWindow is null ? false : null);
        if (storeMax > 0)
        {
            SequencingLog.Seeded(_logger, chatId, seed.Seed, storeMax);
        }
        if (await _counter.SeedAsync(chatId, seed, cancellationToken).ConfigureAwait(false) is { } seeded)
        {
            return seeded;
        }
        // The marker is gone: a first start, or the counters were lost. Only the store can tell.
        var history = await _store.HasAnyMessageAsync(cancellationToken).ConfigureAwait(false);
        if (history)
        {
            SequencingLog.CountersLost(_logger, _recoveryWindow!.Value);
        }
        return await _counter.SeedAsync(chatId, seed with { StoreHasMessages = history }, cancellationToken).ConfigureAwait(false)
            ?? throw new InvalidOperationException("The sequence counter asked for the store's history although it was given.");
    }

    public ValueTask ReseedAsync(string chatId, long storeMaxSeq, CancellationToken cancellationToken) =>
        _counter.RaiseToAsync(chatId, storeMaxSeq, SeedFor(storeMaxSeq), cancellationToken);

    private long SeedFor(long storeMax) => storeMax > 0 ? storeMax + _reseedJump : 0;
}
