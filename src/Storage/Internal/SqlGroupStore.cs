using Dapper;
using ImSignalR.Domain.Groups;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Storage.Internal;

/// <summary>The reads of <see cref="IGroupStore"/>, one class for both dialects (the statements are portable, but for one plan pin).</summary>
internal sealed class SqlGroupStore(IDbConnectionFactory connections, SqlDialect dialect) : IGroupStore
{
    /// <summary>Groups, present and past, looked at by <see cref="GetGroupConversationsAsync"/>.</summary>
    private const int MaxConversationGroups = 1000;

    public async Task<StoredGroup?> GetGroupAsync(long groupId, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync<GroupRow>(GroupSql.SelectGroup, new { GroupId = groupId }, nameof(GetGroupAsync), cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0].ToInfo();
    }

    public async Task<GroupMembership?> GetMemberAsync(long groupId, string userId, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync<GroupMemberRow>(GroupSql.SelectMember, new { GroupId = groupId, UserId = userId }, nameof(GetMemberAsync), cancellationToken)
            .ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0].ToMembership();
    }

    public async Task<IReadOnlyList<GroupMembership>> GetMembersAsync(long groupId, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        var result = new List<GroupMembership>(userIds.Count);
        foreach (var chunk in userIds.Distinct(StringComparer.Ordinal).Chunk(SqlMessageStore.MaxIdsPerQuery))
        {
            var rows = await QueryAsync<GroupMemberRow>(GroupSql.SelectMembers, new { GroupId = groupId, UserIds = chunk }, nameof(GetMembersAsync), cancellationToken)
                .ConfigureAwait(false);
            result.AddRange(rows.Select(r => r.ToMembership()));
        }
        return result;
    }

    public async Task<IReadOnlyList<GroupMembership>> GetCurrentMembersPageAsync(long groupId, string? afterUserId, int limit, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync<GroupMemberRow>(GroupSql.SelectCurrentMembersPage, new { GroupId = groupId, After = afterUserId ?? string.Empty, Limit = limit },
            nameof(GetCurrentMembersPageAsync), cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(r => r.ToMembership());
    }

    public async Task<IReadOnlyDictionary<string, int>> CountGroupsAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        var result = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var chunk in userIds.Distinct(StringComparer.Ordinal).Chunk(SqlMessageStore.MaxIdsPerQuery))
        {
            var rows = await QueryAsync<(string UserId, long Count)>(GroupSql.CountGroupsOfUsers, new { UserIds = chunk }, nameof(CountGroupsAsync), cancellationToken)
                .ConfigureAwait(false);
            foreach (var (userId, count) in rows)
            {
                result[userId] = (int)count;
            }
        }
        return result;
    }

    public async Task<IReadOnlyList<(StoredGroup Group, GroupMembership Member)>> GetUserGroupsAsync(string userId, bool includeFormer, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync<UserGroupRow>(includeFormer ? GroupSql.SelectUserGroups : GroupSql.SelectUserGroupsCurrent, new { UserId = userId },
            nameof(GetUserGroupsAsync), cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(r => r.ToPair());
    }

    public async Task<IReadOnlyList<GroupConversationView>> GetGroupConversationsAsync(string userId, int limit, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync<UserGroupRow>(dialect.SelectUserGroupsNewest, new { UserId = userId, Limit = MaxConversationGroups },
            nameof(GetGroupConversationsAsync), cancellationToken).ConfigureAwait(false);
        var pairs = rows.ConvertAll(r => r.ToPair());
        // The newest message of a current member's window is the group's; a former member's is the last one before they left.
        var lastIds = pairs.Where(p => p.Item2.IsCurrent && p.Item1.LastMsgId != 0).Select(p => p.Item1.LastMsgId).ToArray();
        var lastById = new Dictionary<long, ChatMessage>();
        foreach (var chunk in lastIds.Chunk(SqlMessageStore.MaxIdsPerQuery))
        {
            var messages = await QueryAsync<GroupMessageRow>(GroupSql.SelectMessagesByIds, new { Ids = chunk }, nameof(GetGroupConversationsAsync), cancellationToken)
                .ConfigureAwait(false);
            foreach (var m in messages)
            {
                lastById[m.MsgId] = m.ToMessage();
            }
        }
        var views = new List<GroupConversationView>(pairs.Count);
        foreach (var (group, member) in pairs)
        {
            var chatId = Domain.Identity.GroupChatIds.For(group.GroupId);
            var upper = member.UpperSeq(group.LastSeq);
            ChatMessage? last;
            if (member.IsCurrent)
            {
                lastById.TryGetValue(group.LastMsgId, out last);
            }
            else
            {
                var before = await QueryAsync<GroupMessageRow>(GroupSql.SelectMessagesBeforeDescending,
                    new { ChatId = chatId, Before = upper + 1, Floor = member.JoinSeq, Limit = 1 }, nameof(GetGroupConversationsAsync), cancellationToken).ConfigureAwait(false);
                last = before.Count == 0 ? null : before[0].ToMessage();
            }
            if (last is not null && !member.CanSee(last.Seq))
            {
                last = null;
            }
            var lower = Math.Max(member.ReadSeq, member.JoinSeq);
            long unread = 0;
            var mentioned = false;
            if (upper > lower)
            {
                var args = new { ChatId = chatId, Lower = lower, Upper = upper, UserId = member.UserId };
                unread = await ScalarAsync(GroupSql.CountUnread, args, cancellationToken).ConfigureAwait(false);
                if (unread > 0)
                {
                    var hit = await QueryAsync<long>(GroupSql.SelectMentionedMe, args, nameof(GetGroupConversationsAsync), cancellationToken).ConfigureAwait(false);
                    mentioned = hit.Count > 0;
                }
            }
            views.Add(new GroupConversationView(group, member, last, unread, mentioned));
        }
        return views.OrderByDescending(v => v.LastMessage?.SendTime ?? v.Group.CreatedAt).ThenByDescending(v => v.Group.GroupId).Take(limit).ToArray();
    }

    public async Task<IReadOnlyList<ChatMessage>> GetMessagesAfterAsync(string chatId, long afterSeq, long upToSeq, int limit, CancellationToken cancellationToken)
    {
        if (limit <= 0 || upToSeq <= afterSeq)
        {
            return [];
        }
        var rows = await QueryAsync<GroupMessageRow>(GroupSql.SelectMessagesAfter, new { ChatId = chatId, After = afterSeq, Upper = upToSeq, Limit = limit },
            nameof(GetMessagesAfterAsync), cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(r => r.ToMessage());
    }

    public async Task<IReadOnlyList<ChatMessage>> GetMessagesBeforeAsync(string chatId, long beforeSeq, long floorSeq, int limit, CancellationToken cancellationToken)
    {
        if (limit <= 0 || beforeSeq <= floorSeq + 1)
        {
            return [];
        }
        var rows = await QueryAsync<GroupMessageRow>(GroupSql.SelectMessagesBeforeDescending, new { ChatId = chatId, Before = beforeSeq, Floor = floorSeq, Limit = limit },
            nameof(GetMessagesBeforeAsync), cancellationToken).ConfigureAwait(false);
        var result = rows.ConvertAll(r => r.ToMessage());
        result.Reverse();
        return result;
    }

    public async Task<ChatMessage?> GetMessageAtAsync(string chatId, long seq, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync<GroupMessageRow>(GroupSql.SelectMessageAt, new { ChatId = chatId, Seq = seq }, nameof(GetMessageAtAsync), cancellationToken)
            .ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0].ToMessage();
    }

    public async Task<GroupReceipts> GetReadReceiptsAsync(long groupId, long seq, string senderId, bool listReaders, CancellationToken cancellationToken)
    {
        var args = new { GroupId = groupId, Seq = seq, Sender = senderId, Limit = 10_000 };
        var read = await ScalarAsync(GroupSql.CountReaders, args, cancellationToken).ConfigureAwait(false);
        var all = await ScalarAsync(GroupSql.CountMembersWhoSaw, args, cancellationToken).ConfigureAwait(false);
        IReadOnlyList<string>? readers = null;
        if (listReaders)
        {
            readers = await QueryAsync<string>(GroupSql.SelectReaders, args, nameof(GetReadReceiptsAsync), cancellationToken).ConfigureAwait(false);
        }
        return new GroupReceipts((int)read, (int)Math.Max(0, all - read), readers);
    }

    private async Task<long> ScalarAsync(string sql, object parameters, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await connection.ExecuteScalarAsync<long>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        catch (Exception ex) when (StoreFailures.IsDriverFailure(ex))
        {
            throw StoreFailures.Translate(ex, "group-count", cancellationToken);
        }
    }

    private async Task<List<TRow>> QueryAsync<TRow>(string sql, object parameters, string operation, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await connections.OpenAsync(cancellationToken).ConfigureAwait(false);
            var rows = await connection.QueryAsync<TRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return rows.AsList();
        }
        catch (Exception ex) when (StoreFailures.IsDriverFailure(ex))
        {
            throw StoreFailures.Translate(ex, operation, cancellationToken);
        }
    }
}
