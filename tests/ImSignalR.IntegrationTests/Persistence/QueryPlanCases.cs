using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using ImSignalR.Specification.Persistence;
using ImSignalR.Storage.Internal;

namespace ImSignalR.IntegrationTests.Persistence;

/// <summary>Every read and update statement of the store, with realistic parameters, for EXPLAIN tests.</summary>
internal static class QueryPlanCases
{
    /// <param name="mySql">Adds the statements only the MySQL write path sends (its batched round).</param>
    public static async Task<IReadOnlyList<(string Name, string Sql, object Parameters)>> SeedAndBuildAsync(IMessageStore store, bool mySql)
    {
        // Enough rows that a planner prefers an index to a scan on a table that would otherwise be tiny.
        var me = TestIds.User("plan");
        ChatMessage? sample = null;
        for (var peer = 0; peer < 20; peer++)
        {
            var other = TestIds.User("peer" + peer);
            var batch = Enumerable.Range(1, 60)
                .Select(i => (LogEvent)new MessageSent(i % 2 == 0 ? TestIds.Message(me, other, i, 1_000 + i) : TestIds.Message(other, me, i, 1_000 + i)))
                .ToList();
            await store.ApplyAsync(batch, default).WaitAsync(TimeSpan.FromSeconds(60));
            sample ??= ((MessageSent)batch[0]).Message;
        }
        var s = sample!;
        long[] ids = [s.MsgId, s.MsgId + 1, s.MsgId + 2];
        List<(string Name, string Sql, object Parameters)> cases =
        [
            ("GetByIds", StoreSql.SelectByIds, new { Ids = ids }),
            ("FindByClientMsgId", StoreSql.SelectByClientMsgId, new { s.FromUserId, s.ClientMsgId }),
            ("GetAfterSeq", StoreSql.SelectAfterSeq, new { s.ChatId, Seq = 10L, Limit = 50 }),
            ("GetBeforeSeq", StoreSql.SelectBeforeSeqDescending, new { s.ChatId, Seq = 50L, Limit = 20 }),
            ("GetUndelivered", Dialect(mySql).SelectUndelivered, new { UserId = me, Delivered = (int)MessageStatus.Delivered, Limit = 100 }),
            ("GetMaxSeq", StoreSql.SelectMaxSeq, new { s.ChatId }),
            ("GetLastSeqByChat", StoreSql.SelectLastSeqByChat, new { UserId = me }),
            ("GetConversations", StoreSql.SelectConversations, new { UserId = me, Limit = 50 }),
            ("Apply: client-key lookup", StoreSql.SelectByClientMsgIds(2), new { f0 = s.FromUserId, c0 = s.ClientMsgId, f1 = me, c1 = "x" }),
            ("Apply: raise one status", StoreSql.RaiseStatusOfOne, new { p0_0 = s.MsgId, p0_1 = me, p0_2 = 4 }),
        ];
        cases.AddRange(await SeedGroupAndBuildAsync(store, me, mySql));
        if (mySql)
        {
            cases.Add(("Apply: select by ids", StoreSql.SelectByIdList(3), new { i0 = ids[0], i1 = ids[1], i2 = ids[2] }));
            cases.Add(("Apply: raise status", StoreSql.RaiseStatus(3), new { Status = 4, i0 = ids[0], i1 = ids[1], i2 = ids[2], ToUserId = me }));
        }
        return cases;
    }

    private static SqlDialect Dialect(bool mySql) => mySql
        ? ImSignalR.Storage.MySql.Internal.MySqlDialect.Instance
        : ImSignalR.Storage.Sqlite.Internal.SqliteDialect.Instance;

    /// <summary>The group statements (SPEC §10): send, sync after seq, the unread counts of one user's groups, the receipts of one message.</summary>
    private static async Task<IReadOnlyList<(string Name, string Sql, object Parameters)>> SeedGroupAndBuildAsync(IMessageStore store, string me, bool mySql)
    {
        var members = Enumerable.Range(0, 30).Select(i => TestIds.User("gm" + i)).Prepend(me).ToArray();
        long groupId = 0;
        for (var g = 0; g < 5; g++)
        {
            var id = TestIds.MsgId();
            groupId = id;
            List<LogEvent> batch = [GroupEvents.Change(new ImSignalR.Domain.Groups.GroupChange(ImSignalR.Domain.Groups.GroupChangeKind.Created, id, me, members, "plan"), 1, 1_000)];
            batch.AddRange(Enumerable.Range(2, 60).Select(seq => (LogEvent)GroupEvents.Send(id, members[seq % members.Length], seq, 1_000 + seq,
                mentions: seq % 10 == 0 ? [members[1]] : null)));
            await store.ApplyAsync(batch, default).WaitAsync(TimeSpan.FromSeconds(60));
        }
        var chatId = ImSignalR.Domain.Identity.GroupChatIds.For(groupId);
        var read = new { GroupId = groupId, Seq = 30L, Sender = me, Limit = 500 };
        var window = new { ChatId = chatId, Lower = 10L, Upper = 61L, UserId = members[1] };
        return
        [
            ("Group: get group", GroupSql.SelectGroup, new { GroupId = groupId }),
            ("Group: member", GroupSql.SelectMember, new { GroupId = groupId, UserId = me }),
            ("Group: members by ids", GroupSql.SelectMembers, new { GroupId = groupId, UserIds = members.Take(3).ToArray() }),
            ("Group: members page", GroupSql.SelectCurrentMembersPage, new { GroupId = groupId, After = "", Limit = 100 }),
            ("Group: groups per user", GroupSql.CountGroupsOfUsers, new { UserIds = members.Take(3).ToArray() }),
            ("Group: user's groups", Dialect(mySql).SelectUserGroupsNewest, new { UserId = me, Limit = 1000 }),
            ("Group: send, existing key", GroupSql.SelectExistingSend, new { MsgId = 1L, FromUserId = me, ClientMsgId = "x" }),
            ("Group: send, seq taken", GroupSql.SelectSeqTaken, new { ChatId = chatId, Seq = 5L }),
            ("Group: sync after seq", GroupSql.SelectMessagesAfter, new { ChatId = chatId, After = 10L, Upper = long.MaxValue, Limit = 50 }),
            ("Group: history", GroupSql.SelectMessagesBeforeDescending, new { ChatId = chatId, Before = 50L, Floor = 0L, Limit = 20 }),
            ("Group: unread", GroupSql.CountUnread, window),
            ("Group: mentioned me", GroupSql.SelectMentionedMe, window),
            ("Group: receipts read", GroupSql.CountReaders, read),
            ("Group: receipts all", GroupSql.CountMembersWhoSaw, read),
            ("Group: readers", GroupSql.SelectReaders, read),
            ("Group: recount members", GroupSql.RecountMembers, new { GroupId = groupId }),
            ("Group: leave", GroupSql.LeaveMembers, new { GroupId = groupId, Seq = 70L, UserIds = new[] { "nobody" } }),
        ];
    }
}
