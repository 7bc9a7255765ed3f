using System.Globalization;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Domain.Services;

/// <summary>
/// Acks (SPEC §5, G6): only the recipient may ack; statuses only rise; <c>Read</c> implies
/// <c>Delivered</c> and raises the conversation's <c>readSeq</c>. Idempotent: acking again changes nothing.
/// </summary>
public sealed class AckService
{
    private readonly IMessageLog _log;
    private readonly IMessageQueries _store;
    private readonly IRetryQueue _retry;
    private readonly IMessagePusher _pusher;
    private readonly MessagingOptions _options;
    private readonly MessagingMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<AckService> _logger;
    private readonly GroupService? _groups;

    public AckService(
        IMessageLog log,
        IMessageQueries store,
        IRetryQueue retry,
        IMessagePusher pusher,
        MessagingOptions options,
        MessagingMetrics metrics,
        TimeProvider time,
        ILogger<AckService> logger,
        GroupService? groups = null)
    {
        _groups = groups;
        _log = log;
        _store = store;
        _retry = retry;
        _pusher = pusher;
        _options = options;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    public async Task<AckResult> AckAsync(string userId, AckRequest? request, CancellationToken cancellationToken)
    {
        var (ids, status) = Validate(request);
        var found = await FindAsync(ids, cancellationToken).ConfigureAwait(false);
        var groupMessages = found.Where(m => GroupChatIds.IsGroup(m.ChatId)).ToArray();
        IReadOnlyList<ChatMessage> messages = groupMessages.Length == 0 ? found : found.Where(m => !GroupChatIds.IsGroup(m.ChatId)).ToArray();
        var groupAcked = 0;
        if (groupMessages.Length > 0)
        {
            if (_groups is null)
            {
                throw new ImException(ImErrorCode.Forbidden, "Only the recipient can ack a message.");
            }
            // Checked before anything is written, with the C2C check below: one foreign id refuses the whole call.
            var members = await _groups.AuthorizeAckAsync(userId, groupMessages, cancellationToken).ConfigureAwait(false);
            if (messages.Any(m => !string.Equals(m.ToUserId, userId, StringComparison.Ordinal)))
            {
                throw new ImException(ImErrorCode.Forbidden, "Only the recipient can ack a message.");
            }
            groupAcked = await _groups.AckAsync(userId, groupMessages, status, members, cancellationToken).ConfigureAwait(false);
            _metrics.Acks.Add(groupAcked, new KeyValuePair<string, object?>("status", status.ToString()));
            if (messages.Count == 0)
            {
                return new AckResult { Acked = groupAcked };
            }
        }

        // G7: one foreign id refuses the whole call, so a mixed batch cannot half-apply.
        if (messages.Any(m => !string.Equals(m.ToUserId, userId, StringComparison.Ordinal)))
        {
            throw new ImException(ImErrorCode.Forbidden, "Only the recipient can ack a message.");
        }
        if (messages.Count == 0)
        {
            // Unknown ids (never accepted, or not yet persisted by the consumer in RocketMQ mode) ack nothing.
            return new AckResult { Acked = 0 };
        }

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var chat in messages.GroupBy(m => m.ChatId))
        {
            var first = chat.First();
            var ack = new MessagesAcked(chat.Key, first.FromUserId, userId, chat.Select(m => m.MsgId).ToArray(), status, chat.Max(m => m.Seq), now);
            await _log.AppendAsync(ack, cancellationToken).ConfigureAwait(false);
        }
        _metrics.Acks.Add(messages.Count, new KeyValuePair<string, object?>("status", status.ToString()));

        try
        {
            await _retry.RemoveAsync(messages.Select(m => m.MsgId).ToArray(), CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            DomainLog.RetryRemoveFailed(_logger, ex);
        }

        // The acks are durable: finish the bookkeeping even if the caller went away.
        await NotifySendersAsync(messages, status, userId, now, CancellationToken.None).ConfigureAwait(false);
        return new AckResult { Acked = messages.Count + groupAcked };
    }

    /// <summary>
    /// The acked messages: a message pushed moments ago still has its retry entry, which holds the whole
    /// message, so only the rest are read from the store. In RocketMQ mode this also finds a message the
    /// consumer has not stored yet; its ack event follows the send on the same queue.
    /// </summary>
    private async Task<IReadOnlyList<ChatMessage>> FindAsync(long[] ids, CancellationToken cancellationToken)
    {
        IReadOnlyList<ChatMessage> pending;
        try
        {
            pending = await _retry.GetPendingAsync(ids, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The store answers for everything.
            DomainLog.RetryLookupFailed(_logger, ex);
            pending = [];
        }
        if (pending.Count == ids.Length)
        {
            return pending;
        }
        var found = new HashSet<long>(pending.Count);
        foreach (var message in pending)
        {
            found.Add(message.MsgId);
        }
        var rest = Array.FindAll(ids, id => !found.Contains(id));
        var stored = await _store.GetByIdsAsync(rest, cancellationToken).ConfigureAwait(false);
        if (pending.Count == 0)
        {
            return stored;
        }
        var all = new List<ChatMessage>(pending.Count + stored.Count);
        all.AddRange(pending);
        all.AddRange(stored);
        return all;
    }

    private async Task NotifySendersAsync(IReadOnlyList<ChatMessage> messages, MessageStatus status, string byUserId, long now, CancellationToken cancellationToken)
    {
        // Only statuses that actually rose are news to the sender (monotonic, G6).
        foreach (var bySender in messages.Where(m => m.Status < status).GroupBy(m => m.FromUserId))
        {
            var events = bySender.Select(m => new MessageStatusUpdate
            {
                MsgId = m.MsgId.ToString(CultureInfo.InvariantCulture),
                ChatId = m.ChatId,
                Status = status.ToString(),
                ByUserId = byUserId,
                Time = now,
            }).ToArray();
            try
            {
                await _pusher.PushStatusAsync(bySender.Key, events, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _metrics.PushErrors.Add(1);
                DomainLog.PushFailed(_logger, "status", ex);
            }
        }
    }

    private (long[] Ids, MessageStatus Status) Validate(AckRequest? request)
    {
        if (request is null)
        {
            throw ImException.Invalid("The request is missing.");
        }
        var status = request.Status switch
        {
            { } s when s.Equals("Delivered", StringComparison.OrdinalIgnoreCase) => MessageStatus.Delivered,
            { } s when s.Equals("Read", StringComparison.OrdinalIgnoreCase) => MessageStatus.Read,
            _ => throw new ImException(ImErrorCode.InvalidStatus, "'status' must be \"Delivered\" or \"Read\"."),
        };
        if (request.MsgIds is not { Count: > 0 } raw)
        {
            throw ImException.Invalid("'msgIds' must list at least one message id.");
        }
        if (raw.Count > _options.MaxAckIds)
        {
            throw new ImException(ImErrorCode.TooManyIds, $"At most {_options.MaxAckIds} message ids per ack.");
        }
        var ids = new HashSet<long>(raw.Count);
        foreach (var text in raw)
        {
            if (!long.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var id) || id <= 0)
            {
                throw new ImException(ImErrorCode.InvalidMsgId, "Every msgId must be a positive decimal number.");
            }
            ids.Add(id);
        }
        return (ids.ToArray(), status);
    }
}
