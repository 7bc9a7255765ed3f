using System.Globalization;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Domain.Services;

/// <summary>
/// Recall (SPEC §11, the Java system's <c>C2C_CLIENT_WITHDRAW_MSG = 40</c>): the sender, within
/// <see cref="MessagingOptions.RecallWindow"/>, erases a message's content. The row and its seq stay, so sync
/// and history show a recalled placeholder in its place; both participants' connections hear of it.
/// </summary>
public sealed class RecallService
{
    private readonly IMessageLog _log;
    private readonly IMessageQueries _store;
    private readonly IRetryQueue _retry;
    private readonly IMessagePusher _pusher;
    private readonly MessagingOptions _options;
    private readonly MessagingMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly DegradedSteps _degraded;

    public RecallService(IMessageLog log, IMessageQueries store, IRetryQueue retry, IMessagePusher pusher, MessagingOptions options,
        MessagingMetrics metrics, TimeProvider time, ILogger<RecallService> logger, GroupService? groups = null)
    {
        _groups = groups;
        _log = log;
        _store = store;
        _retry = retry;
        _pusher = pusher;
        _options = options;
        _metrics = metrics;
        _time = time;
        _degraded = new DegradedSteps(metrics, time, logger);
    }

    private readonly GroupService? _groups;

    public async Task<RecallResult> RecallAsync(string userId, RecallRequest? request, CancellationToken cancellationToken)
    {
        if (!long.TryParse(request?.MsgId, NumberStyles.None, CultureInfo.InvariantCulture, out var msgId) || msgId <= 0)
        {
            throw new ImException(ImErrorCode.InvalidMsgId, "'msgId' must be a positive decimal number.");
        }
        var found = await _store.GetByIdsAsync([msgId], cancellationToken).ConfigureAwait(false);
        if (found.Count == 1 && GroupChatIds.IsGroup(found[0].ChatId))
        {
            // A group's own rules (owner and admins too) and push; without group support it does not exist here.
            return _groups is null
                ? throw new ImException(ImErrorCode.NotFound, "No such message.")
                : await _groups.RecallAsync(userId, found[0], request!.MsgId!, cancellationToken).ConfigureAwait(false);
        }
        // Someone else's conversation is answered as if the message did not exist (G7).
        if (found.Count == 0 || (found[0].FromUserId != userId && found[0].ToUserId != userId))
        {
            throw new ImException(ImErrorCode.NotFound, "No such message.");
        }
        var message = found[0];
        if (message.FromUserId != userId)
        {
            throw new ImException(ImErrorCode.Forbidden, "Only the sender can recall a message.");
        }
        var result = new RecallResult { MsgId = request!.MsgId!, ChatId = message.ChatId, Seq = message.Seq };
        if (message.Recalled)
        {
            return result;
        }
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (now - message.SendTime > (long)_options.RecallWindow.TotalMilliseconds)
        {
            throw new ImException(ImErrorCode.RecallWindowPassed, $"Messages can be recalled within {_options.RecallWindow.TotalMinutes:0.#} minutes of sending.");
        }

        await _log.AppendAsync(new MessageRecalled(message.ChatId, msgId, message.FromUserId, message.ToUserId, now), cancellationToken).ConfigureAwait(false);
        _metrics.Recalls.Add(1);
        // Durable now. The replay entry holds the old content: it must not be pushed again.
        try
        {
            await _retry.RemoveAsync([msgId], CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _degraded.Note("retry", ex);
        }
        var recalled = new MessageRecall { MsgId = result.MsgId, ChatId = message.ChatId, Seq = message.Seq, ByUserId = userId, Time = now };
        try
        {
            await _pusher.PushRecalledAsync([message.FromUserId, message.ToUserId], recalled, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Sync shows the placeholder either way (G5).
            _degraded.Note("push", ex);
        }
        return result;
    }
}
