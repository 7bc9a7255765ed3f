using ImSignalR.Domain.Groups;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Specification.Persistence;

/// <summary>The group counters of SPEC §12: group messages, groups created, their senders and recalls, each counted once.</summary>
public abstract partial class StatsStoreContract<TFixture>
{
    [Fact]
    public async Task GroupSendsAndCreationsAreCountedApartFromC2cAndTheirSendersWithTheC2cSenders()
    {
        var (day, noon) = NewDay();
        var (a, b, c) = (TestIds.User("a"), TestIds.User("b"), TestIds.User("c"));
        var groupId = TestIds.MsgId();
        await Apply(
        [
            GroupEvents.Change(new GroupChange(GroupChangeKind.Created, groupId, a, [a, b, c], "team"), 1, noon),
            GroupEvents.Send(groupId, a, 2, noon + 1),
            GroupEvents.Send(groupId, b, 3, noon + 2),
            new MessageSent(TestIds.Message(a, c, 1, noon + 3)),
        ]);
        // Membership changes are system messages, not sends: counted nowhere.
        await Apply([GroupEvents.Change(new GroupChange(GroupChangeKind.Renamed, groupId, a, [], "team 2"), 4, noon + 4)]);
        await Apply([GroupEvents.Send(groupId, b, 5, noon + 5)]);

        var stats = await Day(day);

        Assert.Equal((1L, 3L, 1L, 1L), (stats.MessagesC2c, stats.MessagesGroup, stats.GroupsCreated, stats.NewConversations));
        Assert.Equal(2L, stats.ActiveSenders); // a (C2C and group) and b (group); c sent nothing
    }

    [Fact]
    public async Task RedeliveredGroupEventsCountNothingAndNewOnesBesideThemCountOnce()
    {
        var (day, noon) = NewDay();
        var (a, b) = (TestIds.User("a"), TestIds.User("b"));
        var groupId = TestIds.MsgId();
        var created = GroupEvents.Change(new GroupChange(GroupChangeKind.Created, groupId, a, [a, b], "team"), 1, noon);
        var first = GroupEvents.Send(groupId, a, 2, noon + 1);
        var c2c = new MessageSent(TestIds.Message(a, b, 1, noon + 2));
        await Apply([created, first, c2c]);
        var once = await Day(day);

        // The same batch again, then old and new events together (on MySQL the C2C part's bet loses on the redelivery).
        await Apply([created, first, c2c]);
        var second = GroupEvents.Send(groupId, b, 3, noon + 3);
        var outcomes = await Apply([c2c, created, first, second, new MessageSent(TestIds.Message(b, a, 2, noon + 4))]);
        var stats = await Day(day);

        Assert.Equal((1L, 1L, 1L, 1L), (once.MessagesC2c, once.MessagesGroup, once.GroupsCreated, once.ActiveSenders));
        Assert.Equal([AppendStatus.Duplicate, AppendStatus.Duplicate, AppendStatus.Duplicate, AppendStatus.Appended, AppendStatus.Appended],
            outcomes.Select(o => o.Status));
        Assert.Equal((2L, 2L, 1L, 2L), (stats.MessagesC2c, stats.MessagesGroup, stats.GroupsCreated, stats.ActiveSenders));
    }

    [Fact]
    public async Task AGroupMessagesRecallCountsOnceAlsoInTheBatchOfItsSend()
    {
        var (day, noon) = NewDay();
        var (a, b) = (TestIds.User("a"), TestIds.User("b"));
        var groupId = TestIds.MsgId();
        var chatId = GroupChatIds.For(groupId);
        var created = GroupEvents.Change(new GroupChange(GroupChangeKind.Created, groupId, a, [a, b], "team"), 1, noon);
        var early = GroupEvents.Send(groupId, b, 2, noon + 1);
        await Apply([created, early]);

        await Apply([new MessageRecalled(chatId, early.Message.MsgId, b, string.Empty, noon + 2)]);
        await Apply([new MessageRecalled(chatId, early.Message.MsgId, b, string.Empty, noon + 3)]); // again: no effect
        // A replayed log can hold a send and its recall in one batch: the recall must find the row.
        var late = GroupEvents.Send(groupId, a, 3, noon + 4);
        await Apply([late, new MessageRecalled(chatId, late.Message.MsgId, a, string.Empty, noon + 5)]);

        var stats = await Day(day);
        Assert.Equal((2L, 2L), (stats.MessagesGroup, stats.Recalls));
        Assert.True((await Bounded(Store.GetByIdsAsync([late.Message.MsgId], default))).Single().Recalled);
    }

    [Fact]
    public async Task AGroupCreatedOnADayWithoutSendsIsCountedOnItsDay()
    {
        var (day, noon) = NewDay();
        var owner = TestIds.User("owner");
        var groupId = TestIds.MsgId();
        var created = GroupEvents.Change(new GroupChange(GroupChangeKind.Created, groupId, owner, [owner], "alone"), 1, noon);
        await Apply([created]);
        await Apply([created]);

        var stats = await Day(day);
        Assert.Equal((1L, 0L, 0L, 0L), (stats.GroupsCreated, stats.MessagesGroup, stats.MessagesC2c, stats.ActiveSenders));
    }
}
