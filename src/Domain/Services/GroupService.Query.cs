using System.Globalization;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Groups;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Messaging;

namespace ImSignalR.Domain.Services;

/// <summary>Reads of groups and their timelines, each clipped to the caller's window (G7).</summary>
public sealed partial class GroupService
{
    public async Task<IReadOnlyList<GroupInfo>> GetGroupsAsync(string userId, CancellationToken cancellationToken)
    {
        var rows = await _groups.GetUserGroupsAsync(userId, includeFormer: false, cancellationToken).ConfigureAwait(false);
        return rows.Select(r => ToDto(r.Group)).ToArray();
    }

    /// <summary>
    /// The current groups of <paramref name="userId"/>: a new connection joins their SignalR groups. With the store away
    /// the connection is still let in (C2C does not need the store to connect) without group pushes; sync fills the gap.
    /// </summary>
    public async Task<IReadOnlyList<long>> GetGroupIdsForConnectionAsync(string userId, CancellationToken cancellationToken)
    {
        try
        {
            var rows = await _groups.GetUserGroupsAsync(userId, includeFormer: false, cancellationToken).ConfigureAwait(false);
            return rows.Select(r => r.Group.GroupId).ToArray();
        }
        catch (ImException ex) when (ex.Code == ImErrorCode.StoreUnavailable && !cancellationToken.IsCancellationRequested)
        {
            _degraded.Note("group-join", ex);
            return [];
        }
    }

    public async Task<GroupMembersPage> GetMembersAsync(string userId, GroupMembersQuery? request, CancellationToken cancellationToken)
    {
        var groupId = GroupChatIds.ParseGroupId(request?.GroupId);
        var limit = request!.Limit ?? Math.Min(100, _options.MaxMembersPage);
        if (limit <= 0)
        {
            throw ImException.Invalid("'limit' must be positive.");
        }
        if (limit > _options.MaxMembersPage)
        {
            throw new ImException(ImErrorCode.PageTooLarge, $"'limit' must be at most {_options.MaxMembersPage}.");
        }
        var after = request.AfterUserId is null ? null : UserIds.Validate(request.AfterUserId, "afterUserId");
        await RequireMemberAsync(groupId, userId, cancellationToken).ConfigureAwait(false);
        var page = await _groups.GetCurrentMembersPageAsync(groupId, after, limit + 1, cancellationToken).ConfigureAwait(false);
        return new GroupMembersPage
        {
            Members = page.Take(limit).Select(m => new GroupMember { UserId = m.UserId, Role = m.Role.ToWire(), JoinedAt = m.JoinedAt }).ToArray(),
            HasMore = page.Count > limit,
        };
    }

    /// <summary>
    /// Sync of one group after <paramref name="afterSeq"/>, from the caller's join point up to their leave point.
    /// A former member asking past their window gets <c>IM_FORBIDDEN</c>.
    /// </summary>
    public async Task<SyncResult> SyncAsync(string userId, string chatId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        var (group, member) = await RequireViewerAsync(chatId, userId, cancellationToken).ConfigureAwait(false);
        if (member.LeaveSeq is { } left && afterSeq >= left)
        {
            throw new ImException(ImErrorCode.Forbidden, "You are no longer a member of this group.");
        }
        var upper = member.UpperSeq(long.MaxValue);
        var page = await _groups.GetMessagesAfterAsync(chatId, Math.Max(afterSeq, member.JoinSeq), upper, limit + 1, cancellationToken)
            .ConfigureAwait(false);
        return new SyncResult
        {
            Messages = page.Take(limit).Select(WireMapping.ToDto).ToArray(),
            HasMore = page.Count > limit,
            MaxSeqByChat = new Dictionary<string, long>(StringComparer.Ordinal) { [chatId] = member.UpperSeq(group.LastSeq) },
        };
    }

    public async Task<HistoryResult> GetHistoryAsync(string userId, string chatId, long? beforeSeq, int limit, CancellationToken cancellationToken)
    {
        var (_, member) = await RequireViewerAsync(chatId, userId, cancellationToken).ConfigureAwait(false);
        long before;
        if (member.LeaveSeq is { } left)
        {
            // A former member reads their own window only; "newest" is past it.
            if (beforeSeq is null || beforeSeq > left + 1)
            {
                throw new ImException(ImErrorCode.Forbidden, "You are no longer a member of this group; ask within your membership.");
            }
            before = beforeSeq.Value;
        }
        else
        {
            before = beforeSeq ?? long.MaxValue;
        }
        var page = await _groups.GetMessagesBeforeAsync(chatId, before, member.JoinSeq, limit + 1, cancellationToken).ConfigureAwait(false);
        var hasMore = page.Count > limit;
        return new HistoryResult
        {
            Messages = (hasMore ? page.Skip(1) : page).Select(WireMapping.ToDto).ToArray(),
            HasMore = hasMore,
        };
    }

    /// <summary>The newest visible seq of every group the caller has a window in (sync without a chat id).</summary>
    public async Task<IReadOnlyDictionary<string, long>> GetMaxSeqByChatAsync(string userId, CancellationToken cancellationToken)
    {
        var rows = await _groups.GetUserGroupsAsync(userId, includeFormer: true, cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(r => GroupChatIds.For(r.Group.GroupId), r => r.Member.UpperSeq(r.Group.LastSeq), StringComparer.Ordinal);
    }

    /// <summary>The caller's group conversations with their sort key (newest message time).</summary>
    public async Task<IReadOnlyList<(Conversation Conversation, long UpdatedAt)>> GetConversationsAsync(string userId, int limit, CancellationToken cancellationToken)
    {
        var rows = await _groups.GetGroupConversationsAsync(userId, limit, cancellationToken).ConfigureAwait(false);
        return rows.Select(r => (new Conversation
        {
            ChatId = GroupChatIds.For(r.Group.GroupId),
            PeerUserId = null,
            GroupId = r.Group.GroupId.ToString(CultureInfo.InvariantCulture),
            GroupName = r.Group.Name,
            LastMessage = r.LastMessage is null ? null : WireMapping.ToDto(r.LastMessage),
            LastSeq = r.Member.UpperSeq(r.Group.LastSeq),
            ReadSeq = Math.Max(r.Member.ReadSeq, r.Member.JoinSeq),
            Unread = r.Unread,
            MentionedMe = r.MentionedMe,
        }, r.LastMessage?.SendTime ?? r.Group.CreatedAt)).ToArray();
    }

    /// <summary>Anyone with a window in the group, present or past (reads); <c>IM_FORBIDDEN</c> for the rest.</summary>
    private async Task<(StoredGroup Group, GroupMembership Member)> RequireViewerAsync(string chatId, string userId, CancellationToken cancellationToken)
    {
        var groupId = GroupChatIds.ParseChatId(chatId);
        var group = await RequireGroupAsync(groupId, cancellationToken).ConfigureAwait(false);
        var member = await _groups.GetMemberAsync(groupId, userId, cancellationToken).ConfigureAwait(false)
            ?? throw new ImException(ImErrorCode.Forbidden, "You are not a member of this group.");
        return (group, member);
    }
}
