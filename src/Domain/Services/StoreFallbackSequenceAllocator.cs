using System.Collections.Concurrent;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Ports;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Domain.Services;

/// <summary>
/// The allocator of the direct-log cluster modes: the cluster allocator (Redis counters) while it answers, the
/// store's own highest seq while it does not. Sends then go on through a Redis outage (issue 14), and G3 still holds,
/// because in these modes the store is the log: every accepted message is committed before its result, so the
/// store's max is at least every accepted seq, and its unique <c>(chat_id, seq)</c> turns any overlap — another node
/// falling back on the same chat, a seq still in flight from before the outage — into a seq conflict, which
/// <see cref="SendService"/> answers by reseeding and allocating again. Never used with the RocketMQ log, whose
/// store lags behind accepted messages.
/// </summary>
/// <remarks>
/// The seqs handed out meanwhile are remembered per chat (at most <see cref="MaxTrackedChats"/>; forgetting is
/// safe, it only costs a store read or a conflict). The first allocation of such a chat back on Redis raises its
/// counter past them, so the return costs no conflict for this node's chats. Calls are serialised per chat by the
/// caller, like every allocator's.
/// </remarks>
public sealed class StoreFallbackSequenceAllocator : ISequenceAllocator
{
    internal const int MaxTrackedChats = 100_000;

    private readonly ISequenceAllocator _cluster;
    private readonly ISequenceReads _store;
    private readonly DegradedSteps _degraded;
    private readonly ConcurrentDictionary<string, long> _issued = new(StringComparer.Ordinal);

    public StoreFallbackSequenceAllocator(ISequenceAllocator cluster, ISequenceReads store, MessagingMetrics metrics, TimeProvider time, ILogger<StoreFallbackSequenceAllocator> logger)
    {
        _cluster = cluster;
        _store = store;
        _degraded = new DegradedSteps(metrics, time, logger);
    }

    /// <summary>Chats whose seqs were last handed out from the store (tests, metrics).</summary>
    internal int TrackedChats => _issued.Count;

    public async ValueTask<long> NextAsync(string chatId, CancellationToken cancellationToken)
    {
        var hadIssued = false;
        long issued = 0;
        try
        {
            var seq = await _cluster.NextAsync(chatId, cancellationToken).ConfigureAwait(false);
            if (_issued.IsEmpty || !_issued.TryRemove(chatId, out issued))
            {
                return seq;
            }
            hadIssued = true;
            if (seq > issued)
            {
                return seq;
            }
            // Back on the cluster counter, which did not see the seqs handed out from the store meanwhile.
            await _cluster.ReseedAsync(chatId, issued, cancellationToken).ConfigureAwait(false);
            return await _cluster.NextAsync(chatId, cancellationToken).ConfigureAwait(false);
        }
        catch (ImException ex) when (ex.Code == ImErrorCode.StateUnavailable)
        {
            _degraded.Note("sequence", ex);
            if (hadIssued)
            {
                _issued.TryAdd(chatId, issued);
            }
            return await NextFromStoreAsync(chatId, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask ReseedAsync(string chatId, long storeMaxSeq, CancellationToken cancellationToken)
    {
        try
        {
            await _cluster.ReseedAsync(chatId, storeMaxSeq, cancellationToken).ConfigureAwait(false);
        }
        catch (ImException ex) when (ex.Code == ImErrorCode.StateUnavailable)
        {
            _degraded.Note("sequence", ex);
            _issued.AddOrUpdate(chatId, storeMaxSeq, (_, issued) => Math.Max(issued, storeMaxSeq));
        }
    }

    private async ValueTask<long> NextFromStoreAsync(string chatId, CancellationToken cancellationToken)
    {
        if (!_issued.TryGetValue(chatId, out var last))
        {
            last = await _store.GetMaxSeqAsync(chatId, cancellationToken).ConfigureAwait(false);
            if (_issued.Count >= MaxTrackedChats)
            {
                _issued.Clear();
            }
        }
        var next = last + 1;
        _issued[chatId] = next;
        return next;
    }
}
