using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Groups;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Messaging;

namespace ImSignalR.Domain.Services;

/// <summary>Recall of a group message (SPEC §11): by its sender within the recall window, by the owner or an admin at any time.</summary>
public sealed partial class GroupService
{
    /// <param name="message">The stored message, already found by <see cref="RecallService"/>.</param>
    public async Task<RecallResult> RecallAsync(string userId, ChatMessage message, string msgIdText, CancellationToken cancellationToken)
    {
        var groupId = GroupChatIds.ParseChatId(message.ChatId);
        var member = await _groups.GetMemberAsync(groupId, userId, cancellationToken).ConfigureAwait(false);
        if (member is null || !member.CanSee(message.Seq))
        {
            // Outside the caller's window the message does not exist for them (G7).
            throw new ImException(ImErrorCode.NotFound, "No such message.");
        }
        if (!member.IsCurrent)
        {
            throw new ImException(ImErrorCode.Forbidden, "You are no longer a member of this group.");
        }
        if (GroupSystemMessages.IsSystemFormat(message.MsgFormat))
        {
            throw new ImException(ImErrorCode.Forbidden, "System messages cannot be recalled.");
        }
        var bySender = string.Equals(message.FromUserId, userId, StringComparison.Ordinal);
        if (!bySender && member.Role < GroupRole.Admin)
        {
            throw new ImException(ImErrorCode.Forbidden, "Only the sender, the owner and admins can recall a group message.");
        }
        var result = new RecallResult { MsgId = msgIdText, ChatId = message.ChatId, Seq = message.Seq };
        if (message.Recalled)
        {
            return result;
        }
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        if (member.Role < GroupRole.Admin && now - message.SendTime > (long)_messaging.RecallWindow.TotalMilliseconds)
        {
            throw new ImException(ImErrorCode.RecallWindowPassed, $"Messages can be recalled within {_messaging.RecallWindow.TotalMinutes:0.#} minutes of sending.");
        }
        // The store keeps the row and seq and erases content and ext (the same apply as a C2C recall, keyed by the sender).
        var durable = await _log.BeginAppendAsync(new MessageRecalled(message.ChatId, message.MsgId, message.FromUserId, string.Empty, now), cancellationToken)
            .ConfigureAwait(false);
        await durable.ConfigureAwait(false);
        _metrics.Recalls.Add(1);
        var recalled = new MessageRecall { MsgId = msgIdText, ChatId = message.ChatId, Seq = message.Seq, ByUserId = userId, Time = now };
        try
        {
            await _pusher.PushRecalledAsync(groupId, recalled, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Sync shows the placeholder either way (G5).
            _degraded.Note("push", ex);
        }
        return result;
    }
}
