namespace ImSignalR.Storage.Internal;

/// <summary>The group statements (SPEC §10), the same text for SQLite and MySQL; the few dialect parts come from <see cref="SqlDialect"/>.</summary>
internal static class GroupSql
{
    private const string GroupColumns =
        "g.group_id AS GroupId, g.name AS Name, g.owner_id AS OwnerId, g.member_count AS MemberCount, g.created_at AS CreatedAt, " +
        "g.dismissed AS Dismissed, g.last_seq AS LastSeq, g.last_msg_id AS LastMsgId, g.updated_at AS UpdatedAt";

    private const string MemberColumns =
        "m.group_id AS GroupId, m.user_id AS UserId, m.role AS Role, m.join_seq AS JoinSeq, m.leave_seq AS LeaveSeq, " +
        "m.read_seq AS ReadSeq, m.joined_at AS JoinedAt";

    public const string MessageColumns =
        "msg_id AS MsgId, client_msg_id AS ClientMsgId, chat_id AS ChatId, seq AS Seq, from_user_id AS FromUserId, " +
        "to_user_id AS ToUserId, content AS Content, msg_format AS MsgFormat, ext AS Ext, send_time AS SendTime, status AS Status, " +
        "recalled AS Recalled, mentions AS Mentions";

    public const string SelectGroup = $"SELECT {GroupColumns} FROM chat_groups g WHERE g.group_id = @GroupId";

    public const string SelectMember = $"SELECT {MemberColumns} FROM group_members m WHERE m.group_id = @GroupId AND m.user_id = @UserId";

    public const string SelectMembers = $"SELECT {MemberColumns} FROM group_members m WHERE m.group_id = @GroupId AND m.user_id IN @UserIds";

    public const string SelectCurrentMembersPage =
        $"SELECT {MemberColumns} FROM group_members m WHERE m.group_id = @GroupId AND m.user_id > @After AND m.leave_seq IS NULL " +
        "ORDER BY m.user_id LIMIT @Limit";

    public const string CountGroupsOfUsers =
        "SELECT m.user_id AS UserId, COUNT(*) AS Count FROM group_members m WHERE m.user_id IN @UserIds AND m.leave_seq IS NULL GROUP BY m.user_id";

    public const string SelectUserGroups = SelectUserGroupsColumns + "FROM group_members m JOIN chat_groups g ON g.group_id = m.group_id WHERE m.user_id = @UserId";

    private const string SelectUserGroupsColumns =
        $"SELECT {GroupColumns}, m.user_id AS UserId, m.role AS Role, m.join_seq AS JoinSeq, m.leave_seq AS LeaveSeq, m.read_seq AS ReadSeq, " +
        "m.joined_at AS JoinedAt ";

    /// <summary>
    /// MySQL's <see cref="SelectUserGroupsNewest"/>: the ORDER BY on the group's columns can make the optimizer walk
    /// <c>chat_groups</c> whole, depending on table statistics (seen in CI on a small table); STRAIGHT_JOIN starts from
    /// the user's own member rows (<c>ix_group_members_user</c>), which is right at every size.
    /// </summary>
    public const string SelectUserGroupsNewestStraight = SelectUserGroupsColumns +
        "FROM group_members m STRAIGHT_JOIN chat_groups g ON g.group_id = m.group_id WHERE m.user_id = @UserId" + NewestFirst;

    public const string SelectUserGroupsCurrent = SelectUserGroups + " AND m.leave_seq IS NULL";

    // Former windows too, newest first; the bound keeps a user who joined and left thousands of groups cheap.
    public const string SelectUserGroupsNewest = SelectUserGroups + NewestFirst;

    private const string NewestFirst = " ORDER BY g.updated_at DESC, g.group_id DESC LIMIT @Limit";

    public const string SelectMessagesAfter =
        $"SELECT {MessageColumns} FROM messages WHERE chat_id = @ChatId AND seq > @After AND seq <= @Upper ORDER BY seq LIMIT @Limit";

    // Newest first to use the index backwards with LIMIT; the store reverses to ascending.
    public const string SelectMessagesBeforeDescending =
        $"SELECT {MessageColumns} FROM messages WHERE chat_id = @ChatId AND seq < @Before AND seq > @Floor ORDER BY seq DESC LIMIT @Limit";

    public const string SelectMessageAt = $"SELECT {MessageColumns} FROM messages WHERE chat_id = @ChatId AND seq = @Seq";

    public const string SelectMessagesByIds = $"SELECT {MessageColumns} FROM messages WHERE msg_id IN @Ids";

    public const string CountUnread =
        "SELECT COUNT(*) FROM messages WHERE chat_id = @ChatId AND seq > @Lower AND seq <= @Upper AND from_user_id <> @UserId";

    public const string SelectMentionedMe =
        "SELECT gm.seq FROM group_mentions gm JOIN messages mm ON mm.chat_id = gm.chat_id AND mm.seq = gm.seq " +
        "WHERE gm.user_id IN (@UserId, 'all') AND gm.chat_id = @ChatId AND gm.seq > @Lower AND gm.seq <= @Upper AND mm.from_user_id <> @UserId LIMIT 1";

    public const string CountReaders =
        "SELECT COUNT(*) FROM group_members m WHERE m.group_id = @GroupId AND m.read_seq >= @Seq AND m.leave_seq IS NULL " +
        "AND m.join_seq < @Seq AND m.user_id <> @Sender";

    public const string CountMembersWhoSaw =
        "SELECT COUNT(*) FROM group_members m WHERE m.group_id = @GroupId AND m.leave_seq IS NULL AND m.join_seq < @Seq AND m.user_id <> @Sender";

    public const string SelectReaders =
        "SELECT m.user_id FROM group_members m WHERE m.group_id = @GroupId AND m.read_seq >= @Seq AND m.leave_seq IS NULL " +
        "AND m.join_seq < @Seq AND m.user_id <> @Sender ORDER BY m.user_id LIMIT @Limit";

    // ---- writes (GroupApply) ----

    public const string SelectExistingSend =
        $"SELECT {MessageColumns} FROM messages WHERE msg_id = @MsgId OR (from_user_id = @FromUserId AND client_msg_id = @ClientMsgId)";

    public const string SelectSeqTaken = "SELECT msg_id FROM messages WHERE chat_id = @ChatId AND seq = @Seq";

    public const string InsertMessage =
        "INSERT INTO messages (msg_id, chat_id, seq, from_user_id, to_user_id, client_msg_id, msg_format, content, ext, send_time, status, recalled, mentions) " +
        "VALUES (@MsgId, @ChatId, @Seq, @FromUserId, '', @ClientMsgId, @MsgFormat, @Content, @Ext, @SendTime, @Status, 0, @Mentions)";

    public const string InsertGroup =
        "INSERT INTO chat_groups (group_id, name, owner_id, member_count, created_at, dismissed, last_seq, last_msg_id, updated_at) " +
        "VALUES (@GroupId, @Name, @OwnerId, 0, @CreatedAt, 0, 0, 0, @CreatedAt)";

    public const string RecountMembers =
        "UPDATE chat_groups SET member_count = (SELECT COUNT(*) FROM group_members m WHERE m.group_id = @GroupId AND m.leave_seq IS NULL) " +
        "WHERE group_id = @GroupId";

    public const string RejoinMembers =
        "UPDATE group_members SET role = 'member', join_seq = @JoinSeq, leave_seq = NULL, read_seq = @JoinSeq, joined_at = @JoinedAt " +
        "WHERE group_id = @GroupId AND user_id IN @UserIds AND leave_seq IS NOT NULL";

    public const string MemberInsertColumns = "group_id, user_id, role, join_seq, leave_seq, read_seq, joined_at";

    public const string MemberInsertValues = "(@GroupId, @UserId, @Role, @JoinSeq, NULL, @JoinSeq, @JoinedAt)";

    public const string LeaveMembers =
        "UPDATE group_members SET leave_seq = @Seq WHERE group_id = @GroupId AND user_id IN @UserIds AND leave_seq IS NULL";

    public const string Rename = "UPDATE chat_groups SET name = @Name WHERE group_id = @GroupId";

    public const string Dismiss = "UPDATE chat_groups SET dismissed = 1 WHERE group_id = @GroupId";

    public const string SetRole = "UPDATE group_members SET role = @Role WHERE group_id = @GroupId AND user_id = @UserId AND leave_seq IS NULL";

    public const string DemoteOwner = "UPDATE group_members SET role = 'admin' WHERE group_id = @GroupId AND role = 'owner'";

    public const string SetOwner = "UPDATE chat_groups SET owner_id = @UserId WHERE group_id = @GroupId";

    public const string MentionInsertColumns = "user_id, chat_id, seq";

    public const string MentionInsertValues = "(@UserId, @ChatId, @Seq)";
}
