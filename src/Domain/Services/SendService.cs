using System.Diagnostics;
using System.Globalization;
using ImSignalR.Domain.Contracts;
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
public sealed class SendService
{
    // A seq conflict means the allocator was behind the store (state lost); after a reseed the
    // next try succeeds, so a small bound only guards against a misbehaving adapter.
    private const int MaxSeqConflictRetries = 3;

    private readonly IMessageLog _log;
    private readonly IMessageStore _store;
    private readonly ISequenceAllocator _sequences;
    private readonly IDedupeCache _dedupe;
    private readonly IRetryQueue _retry;
    private readonly IPresence _presence;
    private readonly IMessagePusher _pusher;
    private readonly OfflineMarker _offline;
    private readonly SnowflakeIdGenerator _ids;
    private readonly MessagingOptions _options;
    private readonly MessagingMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<SendService> _logger;
    private readonly ChatLocks _locks = new();

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
        ILogger<SendService> logger)
    {
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
    }

    /// <param name="fromUserId">The authenticated sender; never taken from the request.</param>
    /// <param name="senderConnectionId">The sending connection, left out of the multi-device push; null for REST.</param>
    public async Task<SendC2CResult> SendAsync(string fromUserId, SendC2CRequest? request, string? senderConnectionId, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        using var activity = MessagingTracing.Source.StartActivity("im.send");
        try
        {
            var draft = Validate(fromUserId, request);
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

    private async Task<SendC2CResult> SendValidatedAsync(Draft draft, string? senderConnectionId, CancellationToken cancellationToken)
    {
        var lookup = await _dedupe.TryReserveAsync(draft.From, draft.ClientMsgId, _options.DedupePendingTtl, cancellationToken).ConfigureAwait(false);
        switch (lookup.State)
        {
            case DedupeState.Completed:
                _metrics.SendsDuplicate.Add(1);
                return ToResult(lookup.Record!, duplicate: true);
            case DedupeState.Pending:
                throw new ImException(ImErrorCode.SendInProgress, "A send with this clientMsgId is in progress; retry shortly.");
        }

        ChatMessage message;
        AppendOutcome outcome;
        try
        {
            (message, outcome) = await AppendWithSeqAsync(draft, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            // Nothing was accepted: free the key so the client's retry is not answered "in progress".
            await ReleaseQuietlyAsync(draft).ConfigureAwait(false);
            throw;
        }

        if (outcome.Status == AppendStatus.Duplicate)
        {
            // The dedupe cache had forgotten (restart, Redis data loss); the store's unique key caught it.
            var first = outcome.Existing!;
            var firstRecord = new DedupeRecord(first.MsgId, first.ChatId, first.Seq, first.SendTime);
            await CompleteQuietlyAsync(draft, firstRecord).ConfigureAwait(false);
            _metrics.SendsDuplicate.Add(1);
            return ToResult(firstRecord, duplicate: true);
        }

        var record = new DedupeRecord(message.MsgId, message.ChatId, message.Seq, message.SendTime);
        await CompleteQuietlyAsync(draft, record).ConfigureAwait(false);
        _metrics.SendsAccepted.Add(1);
        // Durable now: delivery must not be cut short by the caller going away.
        await DeliverAsync(message, senderConnectionId, CancellationToken.None).ConfigureAwait(false);
        return ToResult(record, duplicate: false);
    }

    private async Task<(ChatMessage, AppendOutcome)> AppendWithSeqAsync(Draft draft, CancellationToken cancellationToken)
    {
        var chatId = ChatIds.ForPair(draft.From, draft.To);
        for (var attempt = 0; ; attempt++)
        {
            ChatMessage message;
            Task<AppendOutcome> durable;
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
                    message = new ChatMessage(
                        _ids.Next(), draft.ClientMsgId, chatId, seq, draft.From, draft.To, draft.Content, draft.MsgFormat, draft.Ext,
                        _time.GetUtcNow().ToUnixTimeMilliseconds(), MessageStatus.Reached);
                    durable = await _log.BeginAppendAsync(new MessageSent(message), cancellationToken).ConfigureAwait(false);
                }
                var outcome = await durable.ConfigureAwait(false);
                _metrics.DurableWriteLatency.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
                if (outcome.Status != AppendStatus.SeqConflict)
                {
                    return (message, outcome);
                }
            }
            catch (ImException ex)
            {
                _metrics.LogErrors.Add(1);
                MessagingTracing.Fail(activity, ex.Code.ToWire());
                throw;
            }

            var storeMax = await _store.GetMaxSeqAsync(chatId, cancellationToken).ConfigureAwait(false);
            DomainLog.SeqConflict(_logger, chatId, message.Seq, storeMax);
            await _sequences.ReseedAsync(chatId, storeMax, cancellationToken).ConfigureAwait(false);
            if (attempt + 1 >= MaxSeqConflictRetries)
            {
                throw new ImException(ImErrorCode.StoreUnavailable, "The conversation's sequence could not be allocated; retry.");
            }
        }
    }

    private async Task DeliverAsync(ChatMessage message, string? senderConnectionId, CancellationToken cancellationToken)
    {
        // From here on the message is durable: nothing below may fail the send. Every failure only
        // degrades the fast path, and sync (G5) still returns the message.
        using var activity = MessagingTracing.Source.StartActivity("im.push");
        var dto = MessageDto.From(message);
        var online = true;
        try
        {
            online = await _presence.IsOnlineAsync(message.ToUserId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Unknown presence: assume online, so the push and the replay schedule still happen.
            DomainLog.PresenceFailed(_logger, ex);
        }

        if (online)
        {
            try
            {
                var due = _time.GetUtcNow() + _options.RetryDelays[0];
                await _retry.ScheduleAsync(message, due, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                DomainLog.RetryScheduleFailed(_logger, message.MsgId, ex);
            }
            await PushQuietlyAsync(() => _pusher.PushToRecipientAsync(dto, cancellationToken), "send").ConfigureAwait(false);
        }
        else
        {
            await _offline.MarkAsync(message, "offline", cancellationToken).ConfigureAwait(false);
        }
        activity?.SetTag("im.recipient.online", online);

        await PushQuietlyAsync(() => _pusher.PushToSenderDevicesAsync(dto, senderConnectionId, cancellationToken), "sender-sync").ConfigureAwait(false);
    }

    private async Task PushQuietlyAsync(Func<Task> push, string kind)
    {
        try
        {
            await push().ConfigureAwait(false);
            _metrics.Pushes.Add(1, new KeyValuePair<string, object?>("kind", kind));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _metrics.PushErrors.Add(1);
            DomainLog.PushFailed(_logger, kind, ex);
        }
    }

    private async Task CompleteQuietlyAsync(Draft draft, DedupeRecord record)
    {
        try
        {
            await _dedupe.CompleteAsync(draft.From, draft.ClientMsgId, record, _options.DedupeWindow, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The store's unique key still answers a resend correctly.
            DomainLog.DedupeFailed(_logger, ex);
        }
    }

    private async Task ReleaseQuietlyAsync(Draft draft)
    {
        try
        {
            await _dedupe.ReleaseAsync(draft.From, draft.ClientMsgId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // The reservation expires by itself after DedupePendingTtl.
            DomainLog.DedupeFailed(_logger, ex);
        }
    }

    private Draft Validate(string fromUserId, SendC2CRequest? request)
    {
        if (request is null)
        {
            throw ImException.Invalid("The request is missing.");
        }
        var clientMsgId = ClientMsgIds.Validate(request.ClientMsgId);
        var to = UserIds.Validate(request.ToUserId, "toUserId");
        if (string.Equals(to, fromUserId, StringComparison.Ordinal))
        {
            throw new ImException(ImErrorCode.InvalidRecipient, "'toUserId' must be another user.");
        }
        if (request.MsgFormat is not { } format)
        {
            throw new ImException(ImErrorCode.InvalidMsgFormat, "'msgFormat' is required.");
        }
        MsgFormats.Validate(format);
        if (string.IsNullOrEmpty(request.Content))
        {
            throw ImException.Invalid("'content' is required.");
        }
        TextLimits.Check(request.Content, "content", _options.MaxContentBytes, ImErrorCode.ContentTooLarge);
        if (request.Ext is not null)
        {
            TextLimits.Check(request.Ext, "ext", _options.MaxExtBytes, ImErrorCode.ExtTooLarge);
        }
        return new Draft(fromUserId, to, clientMsgId, request.Content, format, request.Ext);
    }

    private static SendC2CResult ToResult(DedupeRecord record, bool duplicate) => new()
    {
        MsgId = record.MsgId.ToString(CultureInfo.InvariantCulture),
        ChatId = record.ChatId,
        Seq = record.Seq,
        ServerTime = record.ServerTime,
        Duplicate = duplicate,
    };

    private sealed record Draft(string From, string To, string ClientMsgId, string Content, int MsgFormat, string? Ext);
}
