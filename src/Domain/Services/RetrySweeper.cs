using ImSignalR.Contracts;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Domain.Services;

/// <summary>
/// One sweeper pass (SPEC §5): claim due entries atomically, then per entry re-resolve presence
/// cluster-wide — online: re-push and reschedule with backoff; offline or budget spent: drop the
/// entry and mark the message offline. The message stays in the store for sync either way.
/// </summary>
public sealed class RetrySweeper
{
    private readonly IRetryQueue _retry;
    private readonly IMessageQueries _store;
    private readonly IPresence _presence;
    private readonly IMessagePusher _pusher;
    private readonly OfflineMarker _offline;
    private readonly MessagingOptions _options;
    private readonly MessagingMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<RetrySweeper> _logger;

    public RetrySweeper(
        IRetryQueue retry,
        IMessageQueries store,
        IPresence presence,
        IMessagePusher pusher,
        OfflineMarker offline,
        MessagingOptions options,
        MessagingMetrics metrics,
        TimeProvider time,
        ILogger<RetrySweeper> logger)
    {
        _retry = retry;
        _store = store;
        _presence = presence;
        _pusher = pusher;
        _offline = offline;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <returns>How many entries were claimed; a full batch means more may be due right away.</returns>
    public async Task<int> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var claimed = await _retry.ClaimDueAsync(_time.GetUtcNow(), _options.RetryClaimBatch, _options.RetryLease, cancellationToken).ConfigureAwait(false);
        if (claimed.Count == 0)
        {
            return 0;
        }
        DomainLog.SweepClaimed(_logger, claimed.Count);
        var replayable = await ConfirmAsync(claimed, cancellationToken).ConfigureAwait(false);
        // Entries are independent; running them together lets Redis pipeline the presence lookups.
        await Task.WhenAll(replayable.Select(e => ReplayAsync(e, cancellationToken))).ConfigureAwait(false);
        return claimed.Count;
    }

    /// <summary>
    /// A send schedules its entry before the message reaches the log (so a node that dies after the commit still
    /// leaves it behind), so an entry not yet replayed may belong to a send that failed and whose entry could not
    /// be removed. Such entries are pushed only once the store has their message; an entry of a message the
    /// store has already seen acked is dropped. Not found yet: the entry stays leased and comes back when the lease
    /// runs out (the RocketMQ consumer may lag), until <see cref="MessagingOptions.RetryUnconfirmedGrace"/> after
    /// the send, when it is dropped. A confirmed entry is replayed with the message as stored.
    /// </summary>
    private async Task<IReadOnlyList<RetryEntry>> ConfirmAsync(IReadOnlyList<RetryEntry> claimed, CancellationToken cancellationToken)
    {
        var unconfirmed = claimed.Where(e => e.Replays == 0).Select(e => e.Message.MsgId).ToArray();
        if (unconfirmed.Length == 0)
        {
            return claimed;
        }
        IReadOnlyList<ChatMessage> stored;
        try
        {
            stored = await _store.GetByIdsAsync(unconfirmed, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Their leases bring them back; the entries already replayed once go on.
            DomainLog.ReplayConfirmFailed(_logger, unconfirmed.Length, ex);
            return claimed.Where(e => e.Replays > 0).ToArray();
        }
        var storedById = stored.ToDictionary(m => m.MsgId);
        var replayable = new List<RetryEntry>(claimed.Count);
        var drop = new List<long>();
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var entry in claimed)
        {
            if (entry.Replays > 0)
            {
                replayable.Add(entry);
            }
            else if (storedById.TryGetValue(entry.Message.MsgId, out var message))
            {
                if (message.Status >= MessageStatus.Delivered)
                {
                    drop.Add(entry.Message.MsgId);
                }
                else
                {
                    // The stored message, not the scheduled one: the log may have moved it to another seq (a seq
                    // conflict) after the entry was written, and the reschedule keeps what is replayed here.
                    replayable.Add(entry with { Message = message });
                }
            }
            else if (now - entry.Message.SendTime > (long)_options.RetryUnconfirmedGrace.TotalMilliseconds)
            {
                drop.Add(entry.Message.MsgId);
                _metrics.ReplaysUnconfirmed.Add(1);
            }
        }
        if (drop.Count > 0)
        {
            try
            {
                await _retry.RemoveAsync(drop, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                DomainLog.RetryRemoveFailed(_logger, ex);
            }
        }
        return replayable;
    }

    private async Task ReplayAsync(RetryEntry entry, CancellationToken cancellationToken)
    {
        var message = entry.Message;
        try
        {
            var delays = _options.RetryDelays;
            if (entry.Replays >= delays.Length)
            {
                await DropAsync(entry, "budget", cancellationToken).ConfigureAwait(false);
                return;
            }
            if (!await _presence.IsOnlineAsync(message.ToUserId, cancellationToken).ConfigureAwait(false))
            {
                await DropAsync(entry, "gone", cancellationToken).ConfigureAwait(false);
                return;
            }
            // Reschedule first: if the push or this node dies now, the entry still comes back.
            var next = entry.Replays + 1 < delays.Length ? delays[entry.Replays + 1] : delays[^1];
            if (!await _retry.RescheduleAsync(entry, _time.GetUtcNow() + next, cancellationToken).ConfigureAwait(false))
            {
                return; // acked meanwhile
            }
            await _pusher.PushToRecipientAsync(WireMapping.ToDto(message), cancellationToken).ConfigureAwait(false);
            _metrics.Replays.Add(1);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The lease brings the entry back if it was not rescheduled.
            DomainLog.ReplayFailed(_logger, message.MsgId, ex);
        }
    }

    private async Task DropAsync(RetryEntry entry, string reason, CancellationToken cancellationToken)
    {
        await _retry.RemoveAsync([entry.Message.MsgId], cancellationToken).ConfigureAwait(false);
        await _offline.MarkAsync(entry.Message, reason, cancellationToken).ConfigureAwait(false);
    }
}
