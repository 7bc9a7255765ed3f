using ImSignalR.Domain.Groups;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Specification.Persistence;

/// <summary>
/// The behaviour every <see cref="IGroupStore"/> and the group part of <see cref="IMessageStore.ApplyAsync"/> must have
/// (SPEC §10). One subclass per dialect; each test works on its own group and users, so the database is shared.
/// </summary>
public abstract class GroupStoreContract<TFixture> : IClassFixture<TFixture>
    where TFixture : class, IStoreFixture
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TFixture _fixture;

    protected GroupStoreContract(TFixture fixture)
    {
        _fixture = fixture;
    }

    private IMessageStore Store => _fixture.Store;

    private IGroupStore Groups => _fixture.Groups;

    [Fact]
    public async Task CreatingAGroupStoresItsMembersWindowsAndOneTimelineEntry()
    {
        var (owner, bob, carol) = (TestIds.User("owner"), TestIds.User("bob"), TestIds.User("carol"));
        var groupId = TestIds.MsgId();
        var created = GroupEvents.Change(new GroupChange(GroupChangeKind.Created, groupId, owner, [owner, bob, carol], "team"), 1, 1_000);
        Assert.Equal(AppendStatus.Appended, (await Apply(created)).Status);

        var group = await Bounded(Groups.GetGroupAsync(groupId, default));
        Assert.Equal(("team", owner, 3, 1L, created.Message.MsgId, false), (group!.Name, group.OwnerId, group.MemberCount, group.LastSeq, group.LastMsgId, group.Dismissed));
        var ownerRow = await Bounded(Groups.GetMemberAsync(groupId, owner, default));
        Assert.Equal((GroupRole.Owner, 0L, (long?)null, 0L), (ownerRow!.Role, ownerRow.JoinSeq, ownerRow.LeaveSeq, ownerRow.ReadSeq));
        var page = await Bounded(Groups.GetCurrentMembersPageAsync(groupId, null, 2, default));
        Assert.Equal(new[] { owner, bob, carol }.Order(StringComparer.Ordinal).Take(2), page.Select(m => m.UserId));
        var rest = await Bounded(Groups.GetCurrentMembersPageAsync(groupId, page[^1].UserId, 10, default));
        Assert.Single(rest);
        var timeline = await Bounded(Store.GetAfterSeqAsync(GroupChatIds.For(groupId), 0, 10, default));
        Assert.Equal(201, Assert.Single(timeline).MsgFormat);
        Assert.Equal(1L, await Bounded(Store.GetMaxSeqAsync(GroupChatIds.For(groupId), default))); // the allocators' store fallback sees group seqs
    }

    [Fact]
    public async Task AGroupMessageIsOneRowAndItsDuplicateAndSeqConflictChangeNothing()
    {
        var (owner, bob) = (TestIds.User("owner"), TestIds.User("bob"));
        var groupId = await CreateAsync(owner, bob);
        var sent = GroupEvents.Send(groupId, bob, 2, 2_000, mentions: [owner, "all"]);
        Assert.Equal(AppendStatus.Appended, (await Apply(sent)).Status);

        var again = await Apply(sent); // a redelivered event
        Assert.Equal(AppendStatus.Duplicate, again.Status);
        Assert.Equal(sent.Message.MsgId, again.Stored!.MsgId);
        var sameKey = GroupEvents.Send(groupId, bob, 3, 2_100, clientMsgId: sent.Message.ClientMsgId);
        Assert.Equal(AppendStatus.Duplicate, (await Apply(sameKey)).Status); // G2 on the store's unique key
        var conflict = GroupEvents.Send(groupId, owner, 2, 2_200);
        Assert.Equal(AppendStatus.SeqConflict, (await Apply(conflict)).Status); // G3: a seq is never taken twice

        var chatId = GroupChatIds.For(groupId);
        var rows = await Bounded(Groups.GetMessagesAfterAsync(chatId, 0, long.MaxValue, 10, default));
        Assert.Equal([1L, 2L], rows.Select(r => r.Seq));
        Assert.Equal([owner, "all"], rows[1].Mentions);
        Assert.Equal(2L, (await Bounded(Groups.GetGroupAsync(groupId, default)))!.LastSeq);
        Assert.Equal(sent.Message.MsgId, (await Bounded(Store.FindByClientMsgIdAsync(bob, sent.Message.ClientMsgId, default)))!.MsgId);
    }

    [Fact]
    public async Task JoinAndLeaveSeqsBoundTheWindowAndARejoinOpensANewOne()
    {
        var (owner, bob, carol) = (TestIds.User("owner"), TestIds.User("bob"), TestIds.User("carol"));
        var groupId = await CreateAsync(owner, bob);
        for (var seq = 2; seq <= 5; seq++)
        {
            await Apply(GroupEvents.Send(groupId, owner, seq, 2_000 + seq));
        }
        await Apply(GroupEvents.Change(new GroupChange(GroupChangeKind.MembersAdded, groupId, owner, [carol]), 6, 3_000));
        await Apply(GroupEvents.Change(new GroupChange(GroupChangeKind.MembersRemoved, groupId, owner, [bob]), 7, 3_100));
        await Apply(GroupEvents.Send(groupId, owner, 8, 3_200));

        var carolRow = await Bounded(Groups.GetMemberAsync(groupId, carol, default));
        Assert.Equal((5L, (long?)null), (carolRow!.JoinSeq, carolRow.LeaveSeq)); // sees 6 on
        var bobRow = await Bounded(Groups.GetMemberAsync(groupId, bob, default));
        Assert.Equal((0L, (long?)7L), (bobRow!.JoinSeq, bobRow.LeaveSeq)); // sees up to his removal
        Assert.Equal(2, (await Bounded(Groups.GetGroupAsync(groupId, default)))!.MemberCount);
        Assert.Equal(new Dictionary<string, int> { [owner] = 1, [carol] = 1 }, await Bounded(Groups.CountGroupsAsync([owner, bob, carol], default)));
        var chatId = GroupChatIds.For(groupId);
        Assert.Equal([6L, 7L, 8L], (await Bounded(Groups.GetMessagesAfterAsync(chatId, carolRow.JoinSeq, long.MaxValue, 10, default))).Select(m => m.Seq));
        Assert.Equal([3L, 4L], (await Bounded(Groups.GetMessagesBeforeAsync(chatId, 5, 2, 10, default))).Select(m => m.Seq));

        // Redelivering the removal changes nothing; a rejoin opens a new window and counts again.
        var rejoin = GroupEvents.Change(new GroupChange(GroupChangeKind.MembersAdded, groupId, owner, [bob]), 9, 3_300);
        await Apply(rejoin);
        bobRow = await Bounded(Groups.GetMemberAsync(groupId, bob, default));
        Assert.Equal((8L, (long?)null, 8L, GroupRole.Member), (bobRow!.JoinSeq, bobRow.LeaveSeq, bobRow.ReadSeq, bobRow.Role));
        Assert.Equal(3, (await Bounded(Groups.GetGroupAsync(groupId, default)))!.MemberCount);
        Assert.Equal(AppendStatus.Duplicate, (await Apply(rejoin)).Status);
        Assert.Equal(3, (await Bounded(Groups.GetGroupAsync(groupId, default)))!.MemberCount);
    }

    [Fact]
    public async Task TheReadCursorOnlyRisesAndReceiptsUnreadAndMentionsFollowIt()
    {
        var (owner, bob, carol) = (TestIds.User("owner"), TestIds.User("bob"), TestIds.User("carol"));
        var groupId = await CreateAsync(owner, bob, carol);
        var chatId = GroupChatIds.For(groupId);
        await Apply(GroupEvents.Send(groupId, owner, 2, 2_000));
        await Apply(GroupEvents.Send(groupId, owner, 3, 2_100, mentions: [carol]));
        await Apply(GroupEvents.Send(groupId, bob, 4, 2_200));

        await Apply(new GroupReadAdvanced(chatId, groupId, bob, 3, 3_000));
        await Apply(new GroupReadAdvanced(chatId, groupId, bob, 2, 3_100)); // lower: ignored
        Assert.Equal(3L, (await Bounded(Groups.GetMemberAsync(groupId, bob, default)))!.ReadSeq);

        var receipts = await Bounded(Groups.GetReadReceiptsAsync(groupId, 3, owner, listReaders: true, default));
        Assert.Equal((1, 1), (receipts.ReadCount, receipts.UnreadCount)); // bob read it, carol not; the sender is not counted
        Assert.Equal([bob], receipts.Readers);
        Assert.Null((await Bounded(Groups.GetReadReceiptsAsync(groupId, 3, owner, listReaders: false, default))).Readers);

        var carolView = Assert.Single(await Bounded(Groups.GetGroupConversationsAsync(carol, 10, default)));
        Assert.Equal((4L, true, 4L), (carolView.Unread, carolView.MentionedMe, carolView.LastMessage!.Seq)); // 1..4, none hers
        var bobView = Assert.Single(await Bounded(Groups.GetGroupConversationsAsync(bob, 10, default)));
        Assert.Equal((0L, false), (bobView.Unread, bobView.MentionedMe)); // 4 is his own
        await Apply(new GroupReadAdvanced(chatId, groupId, carol, 4, 3_200));
        carolView = Assert.Single(await Bounded(Groups.GetGroupConversationsAsync(carol, 10, default)));
        Assert.Equal((0L, false), (carolView.Unread, carolView.MentionedMe));
    }

    [Fact]
    public async Task RenameRoleTransferAndDismissApplyAtTheirSeq()
    {
        var (owner, bob) = (TestIds.User("owner"), TestIds.User("bob"));
        var groupId = await CreateAsync(owner, bob);
        await Apply(GroupEvents.Change(new GroupChange(GroupChangeKind.Renamed, groupId, owner, [], "renamed"), 2, 2_000));
        await Apply(GroupEvents.Change(new GroupChange(GroupChangeKind.RoleChanged, groupId, owner, [bob], Role: GroupRole.Owner), 3, 2_100));
        await Apply(GroupEvents.Change(new GroupChange(GroupChangeKind.Dismissed, groupId, bob, []), 4, 2_200));

        var group = await Bounded(Groups.GetGroupAsync(groupId, default));
        Assert.Equal(("renamed", bob, true, 4L), (group!.Name, group.OwnerId, group.Dismissed, group.LastSeq));
        Assert.Equal(GroupRole.Admin, (await Bounded(Groups.GetMemberAsync(groupId, owner, default)))!.Role);
        Assert.Equal(GroupRole.Owner, (await Bounded(Groups.GetMemberAsync(groupId, bob, default)))!.Role);
        Assert.Equal([201, 204, 205, 206], (await Bounded(Groups.GetMessagesAfterAsync(GroupChatIds.For(groupId), 0, long.MaxValue, 10, default))).Select(m => m.MsgFormat));
    }

    private async Task<long> CreateAsync(string owner, params string[] others)
    {
        var groupId = TestIds.MsgId();
        await Apply(GroupEvents.Change(new GroupChange(GroupChangeKind.Created, groupId, owner, [owner, .. others], "g"), 1, 1_000));
        return groupId;
    }

    private async Task<AppendOutcome> Apply(LogEvent logEvent) => Assert.Single(await Bounded(Store.ApplyAsync([logEvent], default)));

    private static Task<T> Bounded<T>(Task<T> task) => task.WaitAsync(Bound);
}
