using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Specification.Persistence;

/// <summary>The outcomes of sends that meet a stored row: duplicates by clientMsgId, msgId collisions, seq conflicts.</summary>
public abstract partial class MessageStoreContract<TFixture>
{
    [Fact]
    public async Task ASendWithAStoredClientMsgIdIsADuplicateOfTheFirstMessage()
    {
        var (a, b) = (TestIds.User("a"), TestIds.User("b"));
        var first = TestIds.Message(a, b, 1, 1_000, "first", clientMsgId: "same-key");
        var retry = TestIds.Message(a, b, 2, 2_000, "retry", clientMsgId: "same-key");
        var retryInBatch = TestIds.Message(a, b, 3, 3_000, "again", clientMsgId: "same-key");

        await Apply([new MessageSent(first)]);
        var outcomes = await Apply([new MessageSent(retry), new MessageSent(retryInBatch)]);

        Assert.All(outcomes, o =>
        {
            Assert.Equal(AppendStatus.Duplicate, o.Status);
            Assert.Equal(first, o.Stored);
        });
        Assert.Equal(first, await Bounded(Store.FindByClientMsgIdAsync(a, "same-key", default)));
        Assert.Equal(1, await Bounded(Store.GetMaxSeqAsync(first.ChatId, default)));
        Assert.Empty(await Bounded(Store.GetByIdsAsync([retry.MsgId, retryInBatch.MsgId], default)));
    }

    [Fact]
    public async Task AnotherSendUnderAStoredMsgIdIsAConflictNotADuplicateOfThatMessage()
    {
        // Two nodes minting from one node id: same msgId, different message. Answered "duplicate", the second
        // would be accepted and never stored; as a conflict its send is retried under a new msgId.
        var (a, b, c) = (TestIds.User("a"), TestIds.User("b"), TestIds.User("c"));
        var first = TestIds.Message(a, b, 1, 1_000, "first");
        var clash = TestIds.Message(c, b, 1, 1_000, "same id, other send") with { MsgId = first.MsgId };
        await Apply([new MessageSent(first)]);

        var outcomes = await Apply([new MessageSent(clash)]);
        var redelivered = await Apply([new MessageSent(first)]);
        var (d, e) = (TestIds.User("d"), TestIds.User("e"));
        var fresh = TestIds.Message(d, e, 1, 3_000, "fresh");
        var freshClash = TestIds.Message(e, d, 2, 3_000, "same id in one batch") with { MsgId = fresh.MsgId };
        var inOneBatch = await Apply([new MessageSent(fresh), new MessageSent(freshClash)]);

        Assert.Equal(AppendStatus.SeqConflict, outcomes[0].Status);
        Assert.Null(outcomes[0].Stored);
        Assert.Equal(AppendOutcome.DuplicateOf(first), redelivered[0]);
        Assert.Equal([AppendStatus.Appended, AppendStatus.SeqConflict], inOneBatch.Select(o => o.Status));
        Assert.Equal([fresh], await Bounded(Store.GetAfterSeqAsync(fresh.ChatId, 0, 10, default)));
        Assert.Equal([first], await Bounded(Store.GetByIdsAsync([first.MsgId], default)));
        Assert.Empty(await Bounded(Store.GetAfterSeqAsync(clash.ChatId, 0, 10, default)));
    }

    [Fact]
    public async Task TwoNewSendsWithOneClientMsgIdInOneBatchStoreOnlyTheFirst()
    {
        var (a, b) = (TestIds.User("a"), TestIds.User("b"));
        var first = TestIds.Message(a, b, 1, 1_000, clientMsgId: "k1");
        var second = TestIds.Message(a, b, 2, 1_001, clientMsgId: "k1");

        var outcomes = await Apply([new MessageSent(first), new MessageSent(second)]);

        Assert.Equal(AppendStatus.Appended, outcomes[0].Status);
        Assert.Equal(AppendOutcome.DuplicateOf(first), outcomes[1]);
        Assert.Equal([first], await Bounded(Store.GetAfterSeqAsync(first.ChatId, 0, 10, default)));
    }

    [Fact]
    public async Task ASeqConflictIsReportedWithoutLosingTheRestOfTheBatch()
    {
        var (a, b) = (TestIds.User("a"), TestIds.User("b"));
        var m1 = TestIds.Message(a, b, 1, 1_000);
        await Apply([new MessageSent(m1)]);
        var clash = TestIds.Message(b, a, 1, 2_000, "clash");
        var m2 = TestIds.Message(b, a, 2, 2_001);

        var outcomes = await Apply(
        [
            new MessageSent(clash), new MessageSent(m2),
            new MessagesAcked(m1.ChatId, a, b, [m1.MsgId], MessageStatus.Read, 1, 2_002),
        ]);

        Assert.Equal([AppendStatus.SeqConflict, AppendStatus.Appended, AppendStatus.Appended], outcomes.Select(o => o.Status));
        Assert.Null(outcomes[0].Stored);
        var stored = await Bounded(Store.GetAfterSeqAsync(m1.ChatId, 0, 10, default));
        Assert.Equal([m1.MsgId, m2.MsgId], stored.Select(m => m.MsgId));
        Assert.Equal(MessageStatus.Read, stored[0].Status);
        Assert.Null(await Bounded(Store.FindByClientMsgIdAsync(b, clash.ClientMsgId, default)));
        var aView = Assert.Single(await Bounded(Store.GetConversationsAsync(a, 10, default)));
        Assert.Equal((2L, m2.MsgId), (aView.LastSeq, aView.LastMessage!.MsgId));
    }
}
