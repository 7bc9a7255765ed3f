using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Groups;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Services;

namespace ImSignalR.UnitTests.Groups;

/// <summary>Limits, windows and the read cursor of <c>GroupService</c>, against the rows it writes.</summary>
public sealed class GroupServiceTests
{
    [Theory]
    [InlineData(64, true)]
    [InlineData(65, false)]
    public void ANameHasOneTo64Characters(int length, bool valid)
    {
        var code = Record(() => GroupService.ValidateName(new string('x', length), 64));
        Assert.Equal(valid ? null : ImErrorCode.InvalidArgument, code);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("tab\there")]
    [InlineData(null)]
    public void AnEmptyOrControlCharacterNameIsRefused(string? name) =>
        Assert.Equal(ImErrorCode.InvalidArgument, Record(() => GroupService.ValidateName(name, 64)));

    [Fact]
    public async Task TheMemberLimitRefusesTheWholeAddAndChangesNothing()
    {
        await using var h = await GroupHarness.StartAsync(new GroupOptions { MaxMembersPerGroup = 4 });
        var group = await h.Service.CreateAsync("owner", new CreateGroupRequest { Name = "g", MemberIds = ["b", "c"] }, default);

        var refused = await Assert.ThrowsAsync<ImException>(() =>
            h.Service.AddMembersAsync("owner", new GroupMembersRequest { GroupId = group.GroupId, UserIds = ["d", "e"] }, default));
        Assert.Equal(ImErrorCode.GroupLimitExceeded, refused.Code);
        Assert.Equal(3, (await h.Groups.GetGroupAsync(long.Parse(group.GroupId), default))!.MemberCount);
        Assert.Equal(1, (await h.Service.AddMembersAsync("owner", new GroupMembersRequest { GroupId = group.GroupId, UserIds = ["d", "b"] }, default)).Added);
        Assert.Equal(4, (await h.Groups.GetGroupAsync(long.Parse(group.GroupId), default))!.MemberCount);
    }

    [Fact]
    public async Task TheGroupsPerUserLimitAndTheIdsPerCallLimitAreEnforced()
    {
        await using var h = await GroupHarness.StartAsync(new GroupOptions { MaxGroupsPerUser = 2, MaxIdsPerCall = 3 });
        await h.Service.CreateAsync("a", new CreateGroupRequest { Name = "1", MemberIds = ["busy"] }, default);
        await h.Service.CreateAsync("b", new CreateGroupRequest { Name = "2", MemberIds = ["busy"] }, default);

        var third = await Assert.ThrowsAsync<ImException>(() => h.Service.CreateAsync("c", new CreateGroupRequest { Name = "3", MemberIds = ["busy"] }, default));
        Assert.Equal(ImErrorCode.GroupLimitExceeded, third.Code);
        Assert.Contains("busy", third.Message, StringComparison.Ordinal);
        var tooMany = await Assert.ThrowsAsync<ImException>(() => h.Service.CreateAsync("c", new CreateGroupRequest { Name = "3", MemberIds = ["w", "x", "y", "z"] }, default));
        Assert.Equal(ImErrorCode.TooManyIds, tooMany.Code);
        Assert.Empty(await h.Service.GetGroupsAsync("c", default));
    }

    [Fact]
    public async Task TheReadCursorNeverLowersAndADeliveredAckChangesNothing()
    {
        await using var h = await GroupHarness.StartAsync();
        var group = await h.Service.CreateAsync("a", new CreateGroupRequest { Name = "g", MemberIds = ["b"] }, default);
        var first = await h.Service.SendAsync("a", Text(group.GroupId, "one"), null, default);
        var second = await h.Service.SendAsync("a", Text(group.GroupId, "two"), null, default);
        var messages = await h.Store.GetByIdsAsync([long.Parse(first.MsgId), long.Parse(second.MsgId)], default);
        var newer = messages.Where(m => m.Seq == second.Seq).ToArray();
        var older = messages.Where(m => m.Seq == first.Seq).ToArray();

        var members = await h.Service.AuthorizeAckAsync("b", messages, default);
        await h.Service.AckAsync("b", older, MessageStatus.Delivered, members, default);
        Assert.Equal(0L, (await h.Groups.GetMemberAsync(long.Parse(group.GroupId), "b", default))!.ReadSeq);
        await h.Service.AckAsync("b", newer, MessageStatus.Read, members, default);
        members = await h.Service.AuthorizeAckAsync("b", messages, default);
        await h.Service.AckAsync("b", older, MessageStatus.Read, members, default);
        Assert.Equal(second.Seq, (await h.Groups.GetMemberAsync(long.Parse(group.GroupId), "b", default))!.ReadSeq);
        Assert.Equal(ImErrorCode.Forbidden, (await Assert.ThrowsAsync<ImException>(() => h.Service.AuthorizeAckAsync("stranger", messages, default))).Code);
    }

    [Fact]
    public async Task AResendReturnsTheFirstResultAndTakesNoSeq()
    {
        await using var h = await GroupHarness.StartAsync();
        var group = await h.Service.CreateAsync("a", new CreateGroupRequest { Name = "g", MemberIds = ["b"] }, default);
        var request = Text(group.GroupId, "once");
        var first = await h.Service.SendAsync("a", request, null, default);
        var again = await h.Service.SendAsync("a", request, null, default);

        Assert.Equal((first.MsgId, first.Seq, true), (again.MsgId, again.Seq, again.Duplicate));
        Assert.Equal(first.Seq + 1, (await h.Service.SendAsync("a", Text(group.GroupId, "next"), null, default)).Seq);
        Assert.Single(h.Pusher.Messages, m => m.Content == "once");
    }

    [Fact]
    public async Task ASendWhoseSeqTheStoreHoldsIsStoredPushedAndAnsweredAtTheNextFreeSeq()
    {
        await using var h = await GroupHarness.StartAsync();
        var group = await h.Service.CreateAsync("a", new CreateGroupRequest { Name = "g", MemberIds = ["b"] }, default);
        var groupId = long.Parse(group.GroupId);
        // Seq 2 is taken behind the allocator's back (another node allocated from counters Redis then lost).
        var foreign = new ChatMessage(9_400_000_000_001, "foreign", group.ChatId, 2, "b", string.Empty, "elsewhere", 1, null, 1, MessageStatus.Reached);
        await h.Store.ApplyAsync([new GroupMessageSent(foreign, groupId)], default);

        var sent = await h.Service.SendAsync("a", Text(group.GroupId, "moved"), null, default);

        Assert.Equal(3, sent.Seq);
        Assert.Equal(3, Assert.Single(h.Pusher.Messages, m => m.Content == "moved").Seq);
        var timeline = await h.Service.SyncAsync("b", group.ChatId, 0, 50, default);
        Assert.Equal([(1L, ""), (2L, "elsewhere"), (3L, "moved")], timeline.Messages.Select(m => (m.Seq, m.MsgFormat == 1 ? m.Content : "")));
        Assert.Equal(4, (await h.Service.SendAsync("a", Text(group.GroupId, "after"), null, default)).Seq);
    }

    [Fact]
    public async Task NewMembersJoinBeforeTheirAnnouncementAndRemovedOnesLeaveAfterTheirs()
    {
        await using var h = await GroupHarness.StartAsync();
        var group = await h.Service.CreateAsync("a", new CreateGroupRequest { Name = "g", MemberIds = ["b"] }, default);
        await h.Service.AddMembersAsync("a", new GroupMembersRequest { GroupId = group.GroupId, UserIds = ["c"] }, default);
        await h.Service.RemoveMembersAsync("a", new GroupMembersRequest { GroupId = group.GroupId, UserIds = ["b"] }, default);

        Assert.Equal(["join a,b", "push 201", "join c", "push 201", "push 202", "leave b"], h.Pusher.Calls);
        var sync = await h.Service.SyncAsync("b", group.ChatId, 0, 50, default);
        Assert.Equal([201, 201, 202], sync.Messages.Select(m => m.MsgFormat)); // b's window ends with his removal
        Assert.Equal(ImErrorCode.Forbidden, (await Assert.ThrowsAsync<ImException>(() => h.Service.SyncAsync("b", group.ChatId, 3, 50, default))).Code);
        var carol = await h.Service.SyncAsync("c", group.ChatId, 0, 50, default);
        Assert.Equal([2L, 3L], carol.Messages.Select(m => m.Seq));
    }

    [Fact]
    public async Task ADismissedGroupIsReadOnly()
    {
        await using var h = await GroupHarness.StartAsync();
        var group = await h.Service.CreateAsync("a", new CreateGroupRequest { Name = "g", MemberIds = ["b"] }, default);
        await h.Service.DismissAsync("a", new GroupRequest { GroupId = group.GroupId }, default);

        Assert.Equal(ImErrorCode.GroupDismissed, (await Assert.ThrowsAsync<ImException>(() => h.Service.SendAsync("b", Text(group.GroupId, "hello?"), null, default))).Code);
        Assert.Equal(ImErrorCode.GroupDismissed, (await Assert.ThrowsAsync<ImException>(() =>
            h.Service.AddMembersAsync("a", new GroupMembersRequest { GroupId = group.GroupId, UserIds = ["c"] }, default))).Code);
        Assert.Equal([201, 206], (await h.Service.SyncAsync("b", group.ChatId, 0, 50, default)).Messages.Select(m => m.MsgFormat));
    }

    [Fact]
    public async Task AnOwnershipTransferLetsTheOldOwnerLeave()
    {
        await using var h = await GroupHarness.StartAsync();
        var group = await h.Service.CreateAsync("a", new CreateGroupRequest { Name = "g", MemberIds = ["b"] }, default);
        await h.Service.SetRoleAsync("a", new SetGroupRoleRequest { GroupId = group.GroupId, UserId = "b", Role = "owner" }, default);
        await h.Service.LeaveAsync("a", new GroupRequest { GroupId = group.GroupId }, default);

        var groups = await h.Service.GetGroupsAsync("b", default);
        Assert.Equal(("b", 1), (groups.Single().OwnerId, groups.Single().MemberCount));
        Assert.Empty(await h.Service.GetGroupsAsync("a", default));
    }

    [Fact]
    public async Task AConnectionIsLetInWithoutGroupsWhileTheStoreIsAwayButGroupCallsFailRetriably()
    {
        await using var h = await GroupHarness.StartAsync();
        var service = new GroupService(new UnreachableGroupStore(), h.Store, new NoGroupLog(), ImSignalR.Specification.ClusterState.TestSequences.InProcess(h.Store),
            new ImSignalR.Domain.InProcess.InProcessDedupeCache(h.Time), h.Pusher, new ImSignalR.Domain.Identity.SnowflakeIdGenerator(1, h.Time),
            new GroupOptions(), new MessagingOptions(), new MessagingMetrics(new System.Diagnostics.Metrics.Meter("test-" + Guid.NewGuid())), h.Time,
            Microsoft.Extensions.Logging.Abstractions.NullLogger<GroupService>.Instance);

        Assert.Empty(await service.GetGroupIdsForConnectionAsync("a", default));
        var refused = await Assert.ThrowsAsync<ImException>(() => service.SendAsync("a", Text("1", "hi"), null, default));
        Assert.Equal(ImErrorCode.StoreUnavailable, refused.Code);
        Assert.True(refused.Code.IsRetriable());
    }

    private sealed class NoGroupLog : ImSignalR.Domain.Ports.IGroupLog
    {
        public ValueTask<Task<ImSignalR.Domain.Ports.AppendOutcome>> BeginAppendAsync(LogEvent logEvent, CancellationToken cancellationToken) =>
            throw new InvalidOperationException("Nothing may be appended without the store.");
    }

    private static SendGroupRequest Text(string groupId, string content) =>
        new() { ClientMsgId = Guid.NewGuid().ToString("N"), GroupId = groupId, Content = content, MsgFormat = 1 };

    private static ImErrorCode? Record(Action action)
    {
        try
        {
            action();
            return null;
        }
        catch (ImException ex)
        {
            return ex.Code;
        }
    }
}
