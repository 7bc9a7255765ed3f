using System.Data.Common;
using Dapper;
using ImSignalR.Domain.Groups;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Storage.Internal;

/// <summary>
/// The group part of a write batch (SPEC §10), inside the batch's transaction. A statement per event, not per
/// member: a group message is one row (plus one per mention) whatever the member count. A timeline entry is written
/// only if its msg_id and (from_user_id, client_msg_id) are new (else <see cref="AppendStatus.Duplicate"/>, which is
/// also how a redelivered event changes nothing) and its (chat_id, seq) is free (else
/// <see cref="AppendStatus.SeqConflict"/>); a change is applied only with its own system message. Only what was written is
/// counted into the daily statistics (<paramref name="stats"/>): a message sent, a group created.
/// </summary>
internal sealed class GroupApply(DbConnection connection, DbTransaction transaction, SqlDialect dialect, StatsBatch stats,
    CancellationToken cancellationToken)
{
    public async Task ApplyAsync(IReadOnlyList<(int Index, LogEvent Event)> events, AppendOutcome[] outcomes)
    {
        foreach (var (index, logEvent) in events)
        {
            outcomes[index] = logEvent switch
            {
                GroupMessageSent sent => await InsertTimelineAsync(sent.Message, sent.GroupId, null).ConfigureAwait(false),
                GroupChanged changed => await InsertTimelineAsync(changed.Message, changed.Change.GroupId, changed.Change).ConfigureAwait(false),
                GroupReadAdvanced read => await AdvanceReadAsync(read).ConfigureAwait(false),
                _ => throw new ArgumentException($"Not a group event: {logEvent.GetType().Name}.", nameof(events)),
            };
        }
    }

    private async Task<AppendOutcome> InsertTimelineAsync(ChatMessage message, long groupId, GroupChange? change)
    {
        var existing = await connection.QueryFirstOrDefaultAsync<GroupMessageRow>(Command(GroupSql.SelectExistingSend,
            new { message.MsgId, message.FromUserId, message.ClientMsgId })).ConfigureAwait(false);
        if (existing is not null)
        {
            return AppendOutcome.DuplicateOf(existing.ToMessage());
        }
        var taken = await connection.ExecuteScalarAsync<long?>(Command(GroupSql.SelectSeqTaken, new { message.ChatId, message.Seq })).ConfigureAwait(false);
        if (taken is not null)
        {
            return AppendOutcome.Conflict;
        }
        if (change is { Kind: GroupChangeKind.Created })
        {
            await ExecuteAsync(GroupSql.InsertGroup, new { GroupId = groupId, change.Name, OwnerId = change.ActorId, CreatedAt = message.SendTime }).ConfigureAwait(false);
        }
        await ExecuteAsync(GroupSql.InsertMessage, new
        {
            message.MsgId, message.ChatId, message.Seq, message.FromUserId, message.ClientMsgId, message.MsgFormat, message.Content, message.Ext,
            message.SendTime, Status = (int)message.Status, Mentions = MentionsJson.Write(message.Mentions),
        }).ConfigureAwait(false);
        if (message.Mentions is { Count: > 0 } mentions)
        {
            var insert = dialect.InsertIgnoringDuplicate("group_mentions", GroupSql.MentionInsertColumns, GroupSql.MentionInsertValues, "seq");
            foreach (var userId in mentions)
            {
                await ExecuteAsync(insert, new { UserId = userId, message.ChatId, message.Seq }).ConfigureAwait(false);
            }
        }
        // last_msg_id first: MySQL evaluates assignments left to right, so it must compare against the old last_seq.
        var raise = "UPDATE chat_groups SET last_msg_id = CASE WHEN @Seq > last_seq THEN @MsgId ELSE last_msg_id END, " +
            $"updated_at = {dialect.Greatest("updated_at", "@SendTime")}, last_seq = {dialect.Greatest("last_seq", "@Seq")} WHERE group_id = @GroupId";
        await ExecuteAsync(raise, new { message.Seq, message.MsgId, message.SendTime, GroupId = groupId }).ConfigureAwait(false);
        if (change is not null)
        {
            await ApplyChangeAsync(change, message).ConfigureAwait(false);
            if (change.Kind == GroupChangeKind.Created)
            {
                stats.AddGroupCreated(message.SendTime);
            }
        }
        else
        {
            stats.AddGroupMessage(message);
        }
        return AppendOutcome.Appended;
    }

    private async Task ApplyChangeAsync(GroupChange change, ChatMessage message)
    {
        var groupId = change.GroupId;
        switch (change.Kind)
        {
            case GroupChangeKind.Created:
            case GroupChangeKind.MembersAdded:
                // Visible from the system message that adds them on: the seq current when they joined is the one before.
                var joinSeq = message.Seq - 1;
                if (change.Kind == GroupChangeKind.MembersAdded)
                {
                    await ExecuteAsync(GroupSql.RejoinMembers, new { GroupId = groupId, JoinSeq = joinSeq, JoinedAt = message.SendTime, UserIds = change.UserIds })
                        .ConfigureAwait(false);
                }
                var insert = dialect.InsertIgnoringDuplicate("group_members", GroupSql.MemberInsertColumns, GroupSql.MemberInsertValues, "join_seq");
                foreach (var userId in change.UserIds)
                {
                    var role = change.Kind == GroupChangeKind.Created && string.Equals(userId, change.ActorId, StringComparison.Ordinal)
                        ? GroupRole.Owner : GroupRole.Member;
                    await ExecuteAsync(insert, new { GroupId = groupId, UserId = userId, Role = role.ToWire(), JoinSeq = joinSeq, JoinedAt = message.SendTime })
                        .ConfigureAwait(false);
                }
                await ExecuteAsync(GroupSql.RecountMembers, new { GroupId = groupId }).ConfigureAwait(false);
                break;
            case GroupChangeKind.MembersRemoved:
            case GroupChangeKind.Left:
                // Their window ends with the message that removes them, so they see it.
                await ExecuteAsync(GroupSql.LeaveMembers, new { GroupId = groupId, message.Seq, UserIds = change.UserIds }).ConfigureAwait(false);
                await ExecuteAsync(GroupSql.RecountMembers, new { GroupId = groupId }).ConfigureAwait(false);
                break;
            case GroupChangeKind.Renamed:
                await ExecuteAsync(GroupSql.Rename, new { GroupId = groupId, change.Name }).ConfigureAwait(false);
                break;
            case GroupChangeKind.RoleChanged:
                var target = change.UserIds[0];
                if (change.Role == GroupRole.Owner)
                {
                    await ExecuteAsync(GroupSql.DemoteOwner, new { GroupId = groupId }).ConfigureAwait(false);
                    await ExecuteAsync(GroupSql.SetOwner, new { GroupId = groupId, UserId = target }).ConfigureAwait(false);
                }
                await ExecuteAsync(GroupSql.SetRole, new { GroupId = groupId, UserId = target, Role = (change.Role ?? GroupRole.Member).ToWire() })
                    .ConfigureAwait(false);
                break;
            case GroupChangeKind.Dismissed:
                await ExecuteAsync(GroupSql.Dismiss, new { GroupId = groupId }).ConfigureAwait(false);
                break;
        }
    }

    private async Task<AppendOutcome> AdvanceReadAsync(GroupReadAdvanced read)
    {
        var sql = $"UPDATE group_members SET read_seq = {dialect.Greatest("read_seq", "@ReadSeq")} " +
            "WHERE group_id = @GroupId AND user_id = @UserId AND leave_seq IS NULL";
        await ExecuteAsync(sql, new { read.GroupId, read.UserId, read.ReadSeq }).ConfigureAwait(false);
        return AppendOutcome.Appended;
    }

    private Task<int> ExecuteAsync(string sql, object parameters) => connection.ExecuteAsync(Command(sql, parameters));

    private CommandDefinition Command(string sql, object parameters) =>
        new(sql, parameters, transaction, cancellationToken: cancellationToken);
}
