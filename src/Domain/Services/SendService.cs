using System.Diagnostics;
using System.Globalization;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Domain.Services;

/// <summary>
/// The send path of SPEC §5: validate, dedupe, assign ids, make durable, schedule the replay, push.
/// Success is returned only once the message log says the message is durable (G1).
/// </summary>
public sealed partial class SendService
{
    private readonly IMessageLog _log;
    private readonly IMessageStore _store;
    private readonly ISequenceAllocator _sequences;
    private readonly IDedupeCache _dedupe;
    private readonly IRetryQueue _retry;
    private readonly IPresence _presence;
    private readonly IContentModerator _moderator;
    private readonly BlockService? _blocks;
    private readonly IMessagePusher _pusher;
    private readonly OfflineMarker _offline;
    private readonly SnowflakeIdGenerator _ids;
    private readonly MessagingOptions _options;
    private readonly MessagingMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<SendService> _logger;
    private readonly ChatLocks _locks = new();
    private readonly DegradedSteps _degraded;

    public SendService(
        IMessageLog log,
        IMessageStore store,
        ISequenceAllocator sequences,
        IDedupeCache dedupe,
        IRetryQueue retry,
        IPresence presence,
        IMessagePusher pusher,
        OfflineMarker offline,
        SnowflakeIdGenerator ids,
        MessagingOptions options,
        MessagingMetrics metrics,
        TimeProvider time,
        ILogger<SendService> logger,
        IContentModerator? moderator = null,
        BlockService? blocks = null)
    {
        _blocks = blocks;
        _moderator = moderator ?? new Moderation.NoModeration();
        _log = log;
        _store = store;
        _sequences = sequences;
        _dedupe = dedupe;
        _retry = retry;
        _presence = presence;
        _pusher = pusher;
        _offline = offline;
        _ids = ids;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _degraded = new DegradedSteps(metrics, time, logger);
    }

    /// <param name="fromUserId">The authenticated sender; never taken from the request.</param>
    /// <param name="senderConnectionId">The sending connection, left out of the multi-device push; null for REST.</param>
    public async Task<SendResult> SendAsync(string fromUserId, SendRequest? request, string? senderConnectionId, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = MessagingTracing.Source.StartActivity("im.send");
        try
        {
            var draft = Validate(fromUserId, request);
            if (_blocks is not null && await _blocks.IsBlockedAsync(draft.To, draft.From, cancellationToken).ConfigureAwait(false))
            {
                // Nothing stored or delivered, and nothing more said (SPEC §11).
                throw new ImException(ImErrorCode.Blocked, "The message cannot be delivered to this user.");
            }
            draft = await ModerateAsync(draft, cancellationToken).ConfigureAwait(false);
            var result = await SendValidatedAsync(draft, senderConnectionId, cancellationToken).ConfigureAwait(false);
            _metrics.SendLatency.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            activity?.SetTag("im.duplicate", result.Duplicate);
            return result;
        }
        catch (ImException ex)
        {
            _metrics.SendsRejected.Add(1, new KeyValuePair<string, object?>("code", ex.Code.ToWire()));
            MessagingTracing.Fail(activity, ex.Code.ToWire());
            throw;
        }
    }

    private async Task<SendResult> SendValidatedAsync(Draft draft, string? senderConnectionId, CancellationToken cancellationToken)
    {
        if (await ReserveAsync(draft, cancellationToken).ConfigureAwait(false) is { } earlier)
        {
            return earlier;
        }

        // Asked now and answered while the seq is allocated (Redis pipelines both): whether the recipient is
        // online decides, before the append, whether a replay is scheduled.
        var online = IsOnlineQuietlyAsync(draft.To, cancellationToken);
        Appended appended;
        try
        {
            appended = await AppendWithSeqAsync(draft, online, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Nothing was accepted: free the key so the client's retry is not answered "in progress".
            await ReleaseQuietlyAsync(draft).ConfigureAwait(false);
            throw;
        }

        var (message, outcome) = (appended.Message, appended.Outcome);
        if (outcome.Status == AppendStatus.Duplicate)
        {
            // The dedupe cache had forgotten (restart, Redis data loss or outage); the store's unique key caught it.
            var first = outcome.Stored!;
            var firstRecord = new DedupeRecord(first.MsgId, first.ChatId, first.Seq, first.SendTime);
            await CompleteQuietlyAsync(draft, firstRecord).ConfigureAwait(false);
            _metrics.SendsDuplicate.Add(1);
            return ToResult(firstRecord, duplicate: true);
        }

        // Test hook (off unless configured): the node dies here, committed, with the key still pending and no push.
        _options.AfterCommitFault?.Invoke(message);
        var record = new DedupeRecord(message.MsgId, message.ChatId, message.Seq, message.SendTime);
        // The record and the push go out together (one round trip instead of two): until the record lands, a
        // resend finds the key pending and is answered from the store, so nothing depends on their order.
        var completed = CompleteQuietlyAsync(draft, record);
        _metrics.SendsAccepted.Add(1);
        // Durable now: delivery must not be cut short by the caller going away.
        await DeliverAsync(message, appended.Online, senderConnectionId, CancellationToken.None).ConfigureAwait(false);
        await completed.ConfigureAwait(false);
        return ToResult(record, duplicate: false);
    }

    /// <returns>The earlier result when this is a resend; null when this call goes on with the send.</returns>
    private async ValueTask<SendResult?> ReserveAsync(Draft draft, CancellationToken cancellationToken)
    {
        DedupeLookup lookup;
        try
        {
            lookup = await _dedupe.TryReserveAsync(draft.From, draft.ClientMsgId, _options.DedupePendingTtl, cancellationToken).ConfigureAwait(false);
        }
        catch (ImException ex) when (ex.Code == ImErrorCode.StateUnavailable && _options.StoreIsTheLog)
        {
            // Redis is away: the store's unique key on (fromUserId, clientMsgId) decides at the append instead.
            _degraded.Note("dedupe", ex);
            return null;
        }
        switch (lookup.State)
        {
            case DedupeState.Completed:
                _metrics.SendsDuplicate.Add(1);
                return ToResult(lookup.Record!, duplicate: true);
            case DedupeState.Pending:
                return await ResolvePendingAsync(draft, cancellationToken).ConfigureAwait(false);
            default:
                return null;
        }
    }

    /// <summary>
    /// Another send holds the key. Its node may have died after the commit, before completing the record, so the
    /// reservation would block the key for <see cref="MessagingOptions.DedupePendingTtl"/>: the store knows better.
    /// </summary>
    private async ValueTask<SendResult?> ResolvePendingAsync(Draft draft, CancellationToken cancellationToken)
    {
        var stored = await _store.FindByClientMsgIdAsync(draft.From, draft.ClientMsgId, cancellationToken).ConfigureAwait(false);
        if (stored is not null)
        {
            var record = new DedupeRecord(stored.MsgId, stored.ChatId, stored.Seq, stored.SendTime);
            await CompleteQuietlyAsync(draft, record).ConfigureAwait(false);
            _metrics.SendsDuplicate.Add(1);
            return ToResult(record, duplicate: true);
        }
        if (_options.StoreIsTheLog)
        {
            // Not committed: either the holder died before its commit, or it is still writing. Going on is safe either
            // way, because the store's unique key lets only one of the two in and answers the other as a duplicate.
            return null;
        }
        // The RocketMQ log may hold it before the store does; the client's retry finds it once the consumer has.
        throw new ImException(ImErrorCode.SendInProgress, "A send with this clientMsgId is in progress; retry shortly.");
    }

    /// <summary>
    /// Allocates the seq, schedules the replay and appends. The log answers appended or duplicate: a seq the store
    /// refuses is the log's to move (<see cref="Sequencing.SeqConflictResolver"/>), and the message it reports is the
    /// one the rest of the send uses.
    /// </summary>
    private async Task<Appended> AppendWithSeqAsync(Draft draft, Task<bool?> recipientOnline, CancellationToken cancellationToken)
    {
        var chatId = ChatIds.ForPair(draft.From, draft.To);
        ChatMessage? message = null;
        Task<AppendOutcome> durable;
        Task<bool>? scheduled = null;
        bool? online;
        var started = Stopwatch.GetTimestamp();
        // Spans the seq allocation and the wait for durability: the cost of G1.
        using var activity = MessagingTracing.Source.StartActivity("im.log.append");
        try
        {
            // The lock covers allocating the seq and taking the place in the log, so the log
            // holds a conversation's messages in seq order; the durable write itself happens
            // outside it, and many messages of one conversation share one commit.
            using (await _locks.AcquireAsync(chatId, cancellationToken).ConfigureAwait(false))
            {
                var seq = await _sequences.NextAsync(chatId, cancellationToken).ConfigureAwait(false);
                online = await recipientOnline.ConfigureAwait(false);
                message = new ChatMessage(
                    _ids.Next(), draft.ClientMsgId, chatId, seq, draft.From, draft.To, draft.Content, draft.MsgFormat, draft.Ext,
                    _time.GetUtcNow().ToUnixTimeMilliseconds(), InitialStatus(online));
                if (online != false)
                {
                    // Sent before the message goes to the log, so a node that dies after the commit leaves the entry
                    // behind and another node's sweeper pushes the message (G4). An entry whose append then fails is
                    // removed below; one that survives that (Redis away) is never pushed: the sweeper first checks
                    // that the store has the message.
                    scheduled = ScheduleQuietlyAsync(message);
                }
                durable = await _log.BeginAppendAsync(new MessageSent(message), cancellationToken).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            if (ex is ImException im)
            {
                _metrics.LogErrors.Add(1);
                MessagingTracing.Fail(activity, im.Code.ToWire());
            }
            if (scheduled is not null)
            {
                await RemoveEntryQuietlyAsync(message!, await scheduled.ConfigureAwait(false)).ConfigureAwait(false);
            }
            throw;
        }

        var hasEntry = scheduled is not null && await scheduled.ConfigureAwait(false);
        AppendOutcome outcome;
        try
        {
            outcome = (await durable.ConfigureAwait(false)).FromLog();
        }
        catch (ImException ex)
        {
            _metrics.LogErrors.Add(1);
            MessagingTracing.Fail(activity, ex.Code.ToWire());
            await RemoveEntryQuietlyAsync(message, hasEntry).ConfigureAwait(false);
            throw;
        }
        catch
        {
            await RemoveEntryQuietlyAsync(message, hasEntry).ConfigureAwait(false);
            throw;
        }
        _metrics.DurableWriteLatency.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (outcome.Status != AppendStatus.Appended)
        {
            await RemoveEntryQuietlyAsync(message, hasEntry).ConfigureAwait(false);
            return new Appended(message, outcome, online);
        }
        if (outcome.Stored is { } moved)
        {
            // The log gave it another seq: the entry, scheduled with the first one, must replay (and answer acks)
            // with the stored one. A node that dies before this leaves the old seq behind; the sweeper's store
            // check replaces it. A new msgId (its own was taken) needs a new entry, the old one names no message.
            if (hasEntry && moved.MsgId == message.MsgId)
            {
                await ReplaceEntryQuietlyAsync(moved).ConfigureAwait(false);
            }
            else if (hasEntry)
            {
                await RemoveEntryQuietlyAsync(message, hasEntry).ConfigureAwait(false);
                await ScheduleQuietlyAsync(moved).ConfigureAwait(false);
            }
            message = moved;
        }
        return new Appended(message, outcome, online);
    }

    /// <summary>
    /// With the store as the log, a message to a recipient known to be offline is stored offline at once: the same row
    /// as a send followed by its <c>C2C_OFF_LINE_MSG</c>, for one event instead of two. A RocketMQ log carries the two
    /// events the Java consumers expect (SPEC §6).
    /// </summary>
    private MessageStatus InitialStatus(bool? recipientOnline) =>
        recipientOnline == false && _options.StoreIsTheLog ? MessageStatus.Offline : MessageStatus.Reached;

    private static SendResult ToResult(DedupeRecord record, bool duplicate) => new()
    {
        MsgId = record.MsgId.ToString(CultureInfo.InvariantCulture),
        ChatId = record.ChatId,
        Seq = record.Seq,
        ServerTime = record.ServerTime,
        Duplicate = duplicate,
    };

    private readonly record struct Appended(ChatMessage Message, AppendOutcome Outcome, bool? Online);

    private sealed record Draft(string From, string To, string ClientMsgId, string Content, int MsgFormat, string? Ext);
}
