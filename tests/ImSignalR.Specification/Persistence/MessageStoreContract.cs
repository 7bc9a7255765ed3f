using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Specification.Persistence;

/// <summary>
/// The behaviour every <see cref="IMessageStore"/> must have (SPEC §7, the port's XML docs). One
/// subclass per adapter; each test works on its own users and chats, so the database is shared.
/// </summary>
public abstract partial class MessageStoreContract<TFixture> : IClassFixture<TFixture>
    where TFixture : class, IStoreFixture
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly TFixture _fixture;

    protected MessageStoreContract(TFixture fixture)
    {
        _fixture = fixture;
    }

    private IMessageStore Store => _fixture.Store;

    [Fact]
    public async Task ARecallKeepsTheRowAndSeqErasesContentAndExtOnlyForTheSenderAndShowsInConversations()
    {
        var (a, b) = (TestIds.User("a"), TestIds.User("b"));
        var m1 = TestIds.Message(a, b, 1, 1_000) with { Ext = "{\"x\":1}" };
        var m2 = TestIds.Message(a, b, 2, 2_000);
        await Apply([new MessageSent(m1), new MessageSent(m2)]);

        await Apply([new MessageRecalled(m2.ChatId, m2.MsgId, b, a, 2_500)]); // not the sender: nothing happens
        await Apply([new MessageRecalled(m1.ChatId, m1.MsgId, a, b, 3_000), new MessageRecalled(m2.ChatId, m2.MsgId, a, b, 3_000)]);
        await Apply([new MessageRecalled(m1.ChatId, m1.MsgId, a, b, 3_100)]); // again: changes nothing

        var rows = await Bounded(Store.GetAfterSeqAsync(m1.ChatId, 0, 10, default));
        Assert.Equal([1L, 2L], rows.Select(r => r.Seq));
        Assert.All(rows, r => Assert.True(r.Recalled));
        Assert.All(rows, r => Assert.Equal("", r.Content));
        Assert.All(rows, r => Assert.Null(r.Ext));
        var conversation = Assert.Single(await Bounded(Store.GetConversationsAsync(b, 10, default)), c => c.ChatId == m1.ChatId);
        Assert.True(conversation.LastMessage!.Recalled);
    }

    [Fact]
    public async Task BlocksAreIdempotentListedOldestFirstAndPerUser()
    {
        var (bob, alice, carol) = (TestIds.User("bob"), TestIds.User("alice"), TestIds.User("carol"));
        var blocks = _fixture.Blocks;

        Assert.True(await Bounded(blocks.SetBlockedAsync(bob, alice, true, 1_000, default)));
        Assert.False(await Bounded(blocks.SetBlockedAsync(bob, alice, true, 2_000, default))); // already blocked
        Assert.True(await Bounded(blocks.SetBlockedAsync(bob, carol, true, 1_500, default)));
        Assert.Equal([alice, carol], await Bounded(blocks.GetBlockedAsync(bob, 10, default)));
        Assert.Equal([alice], await Bounded(blocks.GetBlockedAsync(bob, 1, default)));
        Assert.Empty(await Bounded(blocks.GetBlockedAsync(alice, 10, default))); // not symmetric

        Assert.True(await Bounded(blocks.SetBlockedAsync(bob, alice, false, 3_000, default)));
        Assert.False(await Bounded(blocks.SetBlockedAsync(bob, alice, false, 3_000, default)));
        Assert.Equal([carol], await Bounded(blocks.GetBlockedAsync(bob, 10, default)));
    }

    [Fact]
    public async Task ApplyingTheSameBatchTwiceChangesNothing()
    {
        var (a, b) = (TestIds.User("a"), TestIds.User("b"));
        var m1 = TestIds.Message(a, b, 1, 1_000);
        var m2 = TestIds.Message(a, b, 2, 2_000);
        var m3 = TestIds.Message(b, a, 3, 3_000);
        LogEvent[] batch =
        [
            new MessageSent(m1), new MessageSent(m2), new MessageSent(m3),
            new MessageOffline(m3, 3_100),
            new MessagesAcked(m1.ChatId, a, b, [m1.MsgId, m2.MsgId], MessageStatus.Read, 2, 3_200),
        ];

        var first = await Apply(batch);
        var before = await Bounded(Store.GetAfterSeqAsync(m1.ChatId, 0, 10, default));
        var second = await Apply(batch);
        var after = await Bounded(Store.GetAfterSeqAsync(m1.ChatId, 0, 10, default));

        Assert.All(first, o => Assert.Equal(AppendStatus.Appended, o.Status));
        Assert.Equal([AppendStatus.Duplicate, AppendStatus.Duplicate, AppendStatus.Duplicate, AppendStatus.Appended, AppendStatus.Appended],
            second.Select(o => o.Status));
        Assert.Equal(m2.MsgId, second[1].Stored!.MsgId);
        Assert.Equal(before, after);
        Assert.Equal([MessageStatus.Read, MessageStatus.Read, MessageStatus.Offline], after.Select(m => m.Status));
        var bView = Assert.Single(await Bounded(Store.GetConversationsAsync(b, 10, default)));
        Assert.Equal((3L, 2L, 0L), (bView.LastSeq, bView.ReadSeq, bView.Unread));
        var aView = Assert.Single(await Bounded(Store.GetConversationsAsync(a, 10, default)));
        Assert.Equal((3L, 0L, 1L), (aView.LastSeq, aView.ReadSeq, aView.Unread));
    }

    [Fact]
    public async Task ARedeliveredSendAmongNewOnesLeavesTheNewOnesAndTheAcksOfTheBatchApplied()
    {
        var (a, b) = (TestIds.User("a"), TestIds.User("b"));
        var m1 = TestIds.Message(a, b, 1, 1_000);
        var m2 = TestIds.Message(a, b, 2, 2_000);
        await Apply([new MessageSent(m1)]);

        // MySQL bets that every row of a batch is new; here it loses on m1 and redoes the rest.
        var outcomes = await Apply(
        [
            new MessageSent(m1), new MessageSent(m2),
            new MessagesAcked(m1.ChatId, a, b, [m1.MsgId], MessageStatus.Read, 1, 2_100),
        ]);

        Assert.Equal([AppendStatus.Duplicate, AppendStatus.Appended, AppendStatus.Appended], outcomes.Select(o => o.Status));
        Assert.Equal(m1, outcomes[0].Stored);
        var stored = await Bounded(Store.GetAfterSeqAsync(m1.ChatId, 0, 10, default));
        Assert.Equal([(m1.MsgId, MessageStatus.Read), (m2.MsgId, MessageStatus.Reached)], stored.Select(m => (m.MsgId, m.Status)));
        var aView = Assert.Single(await Bounded(Store.GetConversationsAsync(a, 10, default)));
        Assert.Equal((2L, m2.MsgId, 2_000L), (aView.LastSeq, aView.LastMessage!.MsgId, aView.UpdatedAt));
        var bView = Assert.Single(await Bounded(Store.GetConversationsAsync(b, 10, default)));
        Assert.Equal((2L, 1L, 1L), (bView.LastSeq, bView.ReadSeq, bView.Unread));
    }

    [Fact]
    public async Task ABatchLargerThanOneStatementOrOneRoundLandsWhole()
    {
        // 450 rows of 8,000 chars: several 200-row INSERTs, and (MySQL) a round cut into several batches.
        var (a, b) = (TestIds.User("a"), TestIds.User("b"));
        var messages = Enumerable.Range(1, 450).Select(i => TestIds.Message(a, b, i, 1_000 + i, new string('x', 7_990) + i.ToString("D5", System.Globalization.CultureInfo.InvariantCulture))).ToArray();

        var outcomes = await Apply([.. messages.Select(m => new MessageSent(m)), new MessageOffline(messages[^1], 9_000)]);

        Assert.All(outcomes, o => Assert.Equal(AppendStatus.Appended, o.Status));
        var stored = await Bounded(Store.GetAfterSeqAsync(messages[0].ChatId, 0, 500, default));
        Assert.Equal(messages.Select(m => m.Content), stored.Select(m => m.Content));
        Assert.Equal(MessageStatus.Offline, stored[^1].Status);
        Assert.Equal(450L, Assert.Single(await Bounded(Store.GetConversationsAsync(b, 10, default))).LastSeq);
    }

    [Fact]
    public async Task AStatusIsNeverLowered()
    {
        var (a, b) = (TestIds.User("a"), TestIds.User("b"));
        var m = TestIds.Message(a, b, 1, 1_000);
        await Apply([new MessageSent(m)]);

        await Apply([new MessagesAcked(m.ChatId, a, b, [m.MsgId], MessageStatus.Read, 1, 1_001)]);
        await Apply([new MessagesAcked(m.ChatId, a, b, [m.MsgId], MessageStatus.Delivered, 1, 1_002)]);
        await Apply([new MessageOffline(m, 1_003)]);
        // Redelivered send with its original status: ignored, status stays.
        await Apply([new MessageSent(m)]);

        var stored = Assert.Single(await Bounded(Store.GetByIdsAsync([m.MsgId], default)));
        Assert.Equal(MessageStatus.Read, stored.Status);
        Assert.Empty(await Bounded(Store.GetUndeliveredAsync(b, 10, default)));
    }

    [Fact]
    public async Task OnlyTheRecipientsAckRaisesAStatus()
    {
        var (a, b) = (TestIds.User("a"), TestIds.User("b"));
        var m = TestIds.Message(a, b, 1, 1_000);
        await Apply([new MessageSent(m)]);

        // The sender "acks" its own message: to_user_id does not match, nothing changes.
        await Apply([new MessagesAcked(m.ChatId, b, a, [m.MsgId], MessageStatus.Read, 1, 1_001)]);

        Assert.Equal(MessageStatus.Reached, Assert.Single(await Bounded(Store.GetByIdsAsync([m.MsgId], default))).Status);
    }

    [Fact]
    public async Task OneBatchOfSendsMarksAndAcksInAnyOrderEndsAtEachMessagesHighestStatus()
    {
        var (a, b, eve) = (TestIds.User("a"), TestIds.User("b"), TestIds.User("e"));
        var m1 = TestIds.Message(a, b, 1, 1_000);
        var m2 = TestIds.Message(a, b, 2, 1_001);
        var m3 = TestIds.Message(a, b, 3, 1_002);

        await Apply(
        [
            new MessageSent(m1), new MessageSent(m2), new MessageSent(m3),
            new MessagesAcked(m1.ChatId, a, b, [m1.MsgId], MessageStatus.Read, 1, 1_010),
            new MessageOffline(m1, 1_010),
            new MessagesAcked(m1.ChatId, a, b, [m1.MsgId, m2.MsgId], MessageStatus.Delivered, 2, 1_011),
            new MessageOffline(m3, 1_011),
            new MessagesAcked(m1.ChatId, a, eve, [m2.MsgId, m3.MsgId], MessageStatus.Read, 3, 1_012), // not the recipient
        ]);

        var stored = (await Bounded(Store.GetByIdsAsync([m1.MsgId, m2.MsgId, m3.MsgId], default))).ToDictionary(m => m.MsgId, m => m.Status);
        Assert.Equal(MessageStatus.Read, stored[m1.MsgId]);
        Assert.Equal(MessageStatus.Delivered, stored[m2.MsgId]);
        Assert.Equal(MessageStatus.Offline, stored[m3.MsgId]);
        var view = Assert.Single(await Bounded(Store.GetConversationsAsync(b, 10, default)));
        Assert.Equal((3L, 1L, 2L), (view.LastSeq, view.ReadSeq, view.Unread));
    }

    [Fact]
    public async Task ReadSeqAndUnreadAreRightAfterConcurrentAcksFromTwoDevices()
    {
        var (a, b) = (TestIds.User("a"), TestIds.User("b"));
        var messages = Enumerable.Range(1, 10).Select(i => TestIds.Message(a, b, i, 1_000 + i)).ToArray();
        await Apply([.. messages.Select(m => new MessageSent(m))]);

        // Two devices of b ack overlapping prefixes (Delivered and Read) at the same time, out of order.
        var acks = Enumerable.Range(0, 24).Select(i =>
        {
            var upTo = 1 + (i * 5 % 7);
            var status = i % 3 == 0 ? MessageStatus.Delivered : MessageStatus.Read;
            var ids = messages.Take(upTo).Select(m => m.MsgId).ToArray();
            return Task.Run(() => Store.ApplyAsync([new MessagesAcked(messages[0].ChatId, a, b, ids, status, upTo, 2_000 + i)], default));
        }).ToArray();
        await Bounded(Task.WhenAll(acks));

        var view = Assert.Single(await Bounded(Store.GetConversationsAsync(b, 10, default)));
        Assert.Equal((10L, 7L, 3L), (view.LastSeq, view.ReadSeq, view.Unread));
        var stored = await Bounded(Store.GetAfterSeqAsync(messages[0].ChatId, 0, 20, default));
        Assert.Equal(Enumerable.Repeat(MessageStatus.Read, 7).Concat(Enumerable.Repeat(MessageStatus.Reached, 3)), stored.Select(m => m.Status));
        Assert.Equal(0, Assert.Single(await Bounded(Store.GetConversationsAsync(a, 10, default))).Unread);
    }

    [Fact]
    public async Task ConcurrentBatchesOfOneConversationAllLand()
    {
        var (a, b) = (TestIds.User("a"), TestIds.User("b"));
        var messages = Enumerable.Range(1, 40).Select(i => TestIds.Message(i % 2 == 0 ? a : b, i % 2 == 0 ? b : a, i, 1_000 + i)).ToArray();

        var writes = messages.Chunk(5).Select(chunk => Task.Run(() => Store.ApplyAsync([.. chunk.Select(m => new MessageSent(m))], default)));
        var outcomes = (await Bounded(Task.WhenAll(writes))).SelectMany(o => o);

        Assert.All(outcomes, o => Assert.Equal(AppendStatus.Appended, o.Status));
        Assert.Equal(Enumerable.Range(1, 40).Select(i => (long)i),
            (await Bounded(Store.GetAfterSeqAsync(messages[0].ChatId, 0, 100, default))).Select(m => m.Seq));
        var view = Assert.Single(await Bounded(Store.GetConversationsAsync(a, 10, default)));
        Assert.Equal((40L, messages[39].MsgId, 1_040L), (view.LastSeq, view.LastMessage!.MsgId, view.UpdatedAt));
    }

    [Fact]
    public async Task HistoryPagesForwardAndBackwardInAscendingOrder()
    {
        var (a, b) = (TestIds.User("a"), TestIds.User("b"));
        var messages = Enumerable.Range(1, 25).Select(i => TestIds.Message(a, b, i, 1_000 + i)).ToArray();
        await Apply([.. messages.Select(m => new MessageSent(m))]);
        var chat = messages[0].ChatId;

        Assert.Equal(Seqs(1, 10), (await Bounded(Store.GetAfterSeqAsync(chat, 0, 10, default))).Select(m => m.Seq));
        Assert.Equal(Seqs(21, 25), (await Bounded(Store.GetAfterSeqAsync(chat, 20, 10, default))).Select(m => m.Seq));
        Assert.Empty(await Bounded(Store.GetAfterSeqAsync(chat, 25, 10, default)));
        Assert.Equal(Seqs(16, 25), (await Bounded(Store.GetBeforeSeqAsync(chat, long.MaxValue, 10, default))).Select(m => m.Seq));
        Assert.Equal(Seqs(6, 15), (await Bounded(Store.GetBeforeSeqAsync(chat, 16, 10, default))).Select(m => m.Seq));
        Assert.Equal(Seqs(1, 5), (await Bounded(Store.GetBeforeSeqAsync(chat, 6, 10, default))).Select(m => m.Seq));
        Assert.Equal(25, await Bounded(Store.GetMaxSeqAsync(chat, default)));
        Assert.Equal(0, await Bounded(Store.GetMaxSeqAsync("c2c:nobody:" + TestIds.User("z"), default)));
        Assert.Equal(messages[4], (await Bounded(Store.GetAfterSeqAsync(chat, 4, 1, default)))[0]);
    }

    [Fact]
    public async Task ConversationsAreNewestFirstWithTheirLastMessageAndUnreadFromThePeerOnly()
    {
        var me = TestIds.User("me");
        var (p1, p2, p3) = (TestIds.User("p1"), TestIds.User("p2"), TestIds.User("p3"));
        var toP1 = TestIds.Message(me, p1, 1, 5_000);
        var fromP1 = TestIds.Message(p1, me, 2, 5_001);
        var fromP2a = TestIds.Message(p2, me, 1, 9_000);
        var fromP2b = TestIds.Message(p2, me, 2, 9_001, "newest of p2");
        var fromP3 = TestIds.Message(p3, me, 1, 7_000);
        await Apply([new MessageSent(toP1), new MessageSent(fromP1), new MessageSent(fromP3)]);
        await Apply([new MessageSent(fromP2a), new MessageSent(fromP2b)]);
        await Apply([new MessagesAcked(fromP2a.ChatId, p2, me, [fromP2a.MsgId], MessageStatus.Read, 1, 9_100)]);

        var list = await Bounded(Store.GetConversationsAsync(me, 10, default));

        Assert.Equal([p2, p3, p1], list.Select(c => c.PeerUserId));
        Assert.Equal([1L, 1L, 1L], list.Select(c => c.Unread));
        Assert.Equal(fromP2b, list[0].LastMessage);
        Assert.Equal((2L, 1L, 9_001L), (list[0].LastSeq, list[0].ReadSeq, list[0].UpdatedAt));
        Assert.Equal(fromP1.MsgId, list[2].LastMessage!.MsgId);
        Assert.Equal([p2], (await Bounded(Store.GetConversationsAsync(me, 1, default))).Select(c => c.PeerUserId));
        var lastSeqs = await Bounded(Store.GetLastSeqByChatAsync(me, default));
        Assert.Equal(new Dictionary<string, long> { [toP1.ChatId] = 2, [fromP2a.ChatId] = 2, [fromP3.ChatId] = 1 }, lastSeqs);
        Assert.Equal(1, Assert.Single(await Bounded(Store.GetConversationsAsync(p1, 10, default))).Unread);
    }

    [Fact]
    public async Task UndeliveredListsMessagesBelowDeliveredToTheUserByChatAndSeq()
    {
        var me = TestIds.User("me");
        var (p1, p2) = (TestIds.User("p1"), TestIds.User("p2"));
        var x1 = TestIds.Message(p1, me, 1, 1_000);
        var x2 = TestIds.Message(p1, me, 2, 1_001);
        var x3 = TestIds.Message(p1, me, 3, 1_002);
        var y1 = TestIds.Message(p2, me, 1, 1_003);
        var mine = TestIds.Message(me, p2, 2, 1_004);
        await Apply([new MessageSent(x1), new MessageSent(x2), new MessageSent(x3), new MessageSent(y1), new MessageSent(mine)]);
        await Apply([new MessageOffline(x3, 1_100), new MessagesAcked(x1.ChatId, p1, me, [x2.MsgId], MessageStatus.Delivered, 2, 1_101)]);

        var undelivered = await Bounded(Store.GetUndeliveredAsync(me, 10, default));

        var expected = new[] { (x1.ChatId, 1L), (x1.ChatId, 3L), (y1.ChatId, 1L) }.OrderBy(e => e.Item1, StringComparer.Ordinal).ThenBy(e => e.Item2);
        Assert.Equal(expected, undelivered.Select(m => (m.ChatId, m.Seq)));
        Assert.Equal(MessageStatus.Offline, undelivered.Single(m => m.MsgId == x3.MsgId).Status);
        Assert.Equal(2, (await Bounded(Store.GetUndeliveredAsync(me, 2, default))).Count);
    }

    [Fact]
    public async Task ByIdsReturnsStoredMessagesAndLeavesUnknownIdsOut()
    {
        var (a, b) = (TestIds.User("a"), TestIds.User("b"));
        var m = TestIds.Message(a, b, 1, 1_000, "emoji 😀 and ünïcödé " + new string('x', 8_000), clientMsgId: "id!#~");
        await Apply([new MessageSent(m with { Ext = "{\"k\":\"v\"}", MsgFormat = 101 })]);

        var found = await Bounded(Store.GetByIdsAsync([m.MsgId, TestIds.MsgId()], default));

        Assert.Equal(m with { Ext = "{\"k\":\"v\"}", MsgFormat = 101 }, Assert.Single(found));
        Assert.Null(await Bounded(Store.FindByClientMsgIdAsync(b, m.ClientMsgId, default)));
        Assert.Empty(await Bounded(Store.GetByIdsAsync([], default)));
    }

    [Fact]
    public async Task MigratingAnUpToDateDatabaseAppliesNothing()
    {
        Assert.Empty(await Bounded(_fixture.Migrator.MigrateAsync(default)));
        await Bounded(Store.PingAsync(default));
    }

    [Fact]
    public async Task NodesMigratingOneFreshDatabaseAtOnceApplyEachVersionOnce()
    {
        var startNode = await Bounded(_fixture.CreateFreshDatabaseAsync());
        var nodes = Enumerable.Range(0, 4).Select(_ => startNode()).ToArray();

        var applied = await Bounded(Task.WhenAll(nodes.Select(n => Task.Run(() => n.Migrator.MigrateAsync(default)))));

        var versions = applied.SelectMany(v => v).ToList();
        Assert.NotEmpty(versions);
        Assert.Equal(versions.Distinct().Order(), versions.Order());
        Assert.Contains(1, versions);
        var (a, b) = (TestIds.User("a"), TestIds.User("b"));
        var m = TestIds.Message(a, b, 1, 1_000);
        Assert.False(await Bounded(nodes[1].Store.HasAnyMessageAsync(default)));
        Assert.Equal(AppendStatus.Appended, (await Bounded(nodes[3].Store.ApplyAsync([new MessageSent(m)], default)))[0].Status);
        Assert.Equal(m, Assert.Single(await Bounded(nodes[0].Store.GetByIdsAsync([m.MsgId], default))));
        Assert.True(await Bounded(nodes[2].Store.HasAnyMessageAsync(default)));
    }

    [Fact]
    public async Task AnUnreachableDatabaseFailsWithStoreUnavailable()
    {
        var store = _fixture.CreateUnreachableStore();
        var m = TestIds.Message(TestIds.User("a"), TestIds.User("b"), 1, 1_000);

        var failures = new[]
        {
            await Assert.ThrowsAsync<ImException>(() => Bounded(store.ApplyAsync([new MessageSent(m)], default))),
            await Assert.ThrowsAsync<ImException>(() => Bounded(store.GetAfterSeqAsync(m.ChatId, 0, 10, default))),
            await Assert.ThrowsAsync<ImException>(() => Bounded(store.GetMaxSeqAsync(m.ChatId, default))),
            await Assert.ThrowsAsync<ImException>(() => Bounded(store.PingAsync(default))),
        };

        Assert.All(failures, f =>
        {
            Assert.Equal(ImErrorCode.StoreUnavailable, f.Code);
            Assert.True(f.IsRetriable);
        });
    }

    private static IEnumerable<long> Seqs(long from, long to) => Enumerable.Range((int)from, (int)(to - from + 1)).Select(i => (long)i);

    private Task<IReadOnlyList<AppendOutcome>> Apply(LogEvent[] events) => Bounded(Store.ApplyAsync(events, default));

    private static Task<T> Bounded<T>(Task<T> task) => task.WaitAsync(Bound);

    private static Task Bounded(Task task) => task.WaitAsync(Bound);
}
