using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Groups;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Messaging;

namespace ImSignalR.Domain.Services;

/// <summary>Read cursors, read receipts and <c>GroupRead</c> events (SPEC §10).</summary>
public sealed partial class GroupService
{
    /// <summary>
    /// The group part of an <c>Ack</c>: every message must be in a window of a group the caller is a current member
    /// of (<c>IM_FORBIDDEN</c> otherwise, for the whole call). <c>Read</c> raises the caller's cursor to the highest seq
    /// (never lowers it); <c>Delivered</c> is accepted and changes nothing (seq sync is the delivery proof for groups).
    /// Call <see cref="AuthorizeAckAsync"/> first.
    /// </summary>
    /// <returns>How many messages were acked.</returns>
    public async Task<int> AckAsync(string userId, IReadOnlyList<ChatMessage> messages, MessageStatus status,
        IReadOnlyDictionary<long, GroupMembership> members, CancellationToken cancellationToken)
    {
        if (status != MessageStatus.Read)
        {
            return messages.Count;
        }
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        foreach (var chat in messages.GroupBy(m => m.ChatId))
        {
            var groupId = GroupChatIds.ParseChatId(chat.Key);
            var member = members[groupId];
            var readSeq = chat.Max(m => m.Seq);
            if (readSeq <= member.ReadSeq)
            {
                continue;
            }
            var durable = await _log.BeginAppendAsync(new GroupReadAdvanced(chat.Key, groupId, userId, readSeq, now), cancellationToken).ConfigureAwait(false);
            await durable.ConfigureAwait(false);
            await OfferReadEventAsync(groupId, chat.Key, userId, readSeq).ConfigureAwait(false);
        }
        return messages.Count;
    }

    /// <summary>G7 for group acks: the caller's current membership of every group among <paramref name="messages"/>, each message inside the window.</summary>
    public async Task<IReadOnlyDictionary<long, GroupMembership>> AuthorizeAckAsync(string userId, IReadOnlyList<ChatMessage> messages, CancellationToken cancellationToken)
    {
        var members = new Dictionary<long, GroupMembership>();
        foreach (var chat in messages.GroupBy(m => m.ChatId))
        {
            var groupId = GroupChatIds.ParseChatId(chat.Key);
            var member = await _groups.GetMemberAsync(groupId, userId, cancellationToken).ConfigureAwait(false);
            if (member is not { IsCurrent: true } || chat.Any(m => !member.CanSee(m.Seq)))
            {
                throw new ImException(ImErrorCode.Forbidden, "You can ack only messages of your groups, within your membership.");
            }
            members[groupId] = member;
        }
        return members;
    }

    public async Task<GroupReadReceipts> GetReadReceiptsAsync(string userId, GroupReadReceiptsRequest? request, CancellationToken cancellationToken)
    {
        var groupId = GroupChatIds.ParseChatId(request?.ChatId);
        if (request!.Seq is not { } seq || seq <= 0)
        {
            throw ImException.Invalid("'seq' must be a positive number.");
        }
        var (group, member) = await RequireMemberAsync(groupId, userId, cancellationToken).ConfigureAwait(false);
        var message = member.CanSee(seq) ? await _groups.GetMessageAtAsync(request.ChatId!, seq, cancellationToken).ConfigureAwait(false) : null;
        if (message is null)
        {
            throw new ImException(ImErrorCode.NotFound, "No such message in your view of the group.");
        }
        GroupPolicy.RequireCanSeeReceipts(member, message.FromUserId);
        var receipts = await _groups.GetReadReceiptsAsync(groupId, seq, message.FromUserId, group.MemberCount <= _options.ReadEventsMaxMembers, cancellationToken)
            .ConfigureAwait(false);
        return new GroupReadReceipts { ReadCount = receipts.ReadCount, UnreadCount = receipts.UnreadCount, Readers = receipts.Readers };
    }

    private async Task OfferReadEventAsync(long groupId, string chatId, string userId, long readSeq)
    {
        StoredGroup? group;
        try
        {
            group = await _groups.GetGroupAsync(groupId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (ImException ex)
        {
            _degraded.Note("group-read", ex);
            return;
        }
        if (group is null || group.MemberCount > _options.ReadEventsMaxMembers)
        {
            return;
        }
        _readThrottle.Offer(chatId, userId, readSeq, async seq =>
        {
            try
            {
                await _pusher.PushReadAsync(groupId, new GroupReadNotice { ChatId = chatId, UserId = userId, ReadSeq = seq }, CancellationToken.None)
                    .ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                _metrics.PushErrors.Add(1);
                _degraded.Note("group-read", ex);
            }
        });
    }
}
