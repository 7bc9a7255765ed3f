using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Messaging;
using ImSignalR.IntegrationTests.RocketMq.Double;
using ImSignalR.IntegrationTests.RocketMq.Groups;
using static ImSignalR.IntegrationTests.RocketMq.RocketMqTestKit;

namespace ImSignalR.IntegrationTests.RocketMq;

/// <summary>
/// In RocketMQ mode a C2C send is accepted once the topic has it, before the store does. A seq the store then refuses
/// (its counter was behind the store) used to be logged and dropped by the persistence consumer: an accepted message
/// that sync and history never return. The consumer now moves it to the next free seq, as the direct log does.
/// </summary>
public sealed class RocketMqC2CSeqConflictTests
{
    private static readonly string Chat = ChatIds.ForPair("u1", "u2");

    [Fact]
    public async Task AnAcceptedSendWhoseSeqTheStoreHoldsIsStoredAtTheNextFreeSeqUnderItsOwnId()
    {
        await using var mq = RocketMqDouble.Start();
        await using var harness = await RocketMqGroupHarness.StartAsync(mq);
        // The store holds 1..3, which this allocator never handed out (Redis lost its counters while the consumer lagged).
        var earlier = Enumerable.Range(1, 3).Select(seq => Sent(Chat, seq)).ToList();
        await harness.Store.ApplyAsync(earlier, default);
        var (log, producer) = MessageLog(harness.Options);
        await using var _ = producer;
        var stale = new MessageSent(Sent(Chat, 2).Message with { ClientMsgId = "the-stale-one" });

        await log.AppendAsync(stale, default);

        var stored = await StoredAsync(harness, stale.Message.MsgId);
        Assert.Equal(stale.Message with { Seq = 4 }, stored with { Status = stale.Message.Status });
        var timeline = await harness.Store.GetAfterSeqAsync(Chat, 0, 10, default);
        Assert.Equal([1L, 2L, 3L, 4L], timeline.Select(m => m.Seq));
        Assert.Equal(earlier.Select(e => e.Message.MsgId), timeline.Take(3).Select(m => m.MsgId));
        // The counter goes on above the moved send.
        Assert.Equal(5, await harness.Sequences.NextAsync(Chat, default));
    }

    [Fact]
    public async Task SeveralConflictingSendsOfOneChatGetDistinctSeqsAndNoneIsLost()
    {
        await using var mq = RocketMqDouble.Start();
        await using var harness = await RocketMqGroupHarness.StartAsync(mq);
        await harness.Store.ApplyAsync(Enumerable.Range(1, 5).Select(seq => Sent(Chat, seq)).ToList(), default);
        var (log, producer) = MessageLog(harness.Options);
        await using var _ = producer;
        var stale = Enumerable.Range(1, 5).Select(seq => new MessageSent(Sent(Chat, seq).Message with { ClientMsgId = $"again-{seq}" })).ToList();

        foreach (var send in stale)
        {
            await log.AppendAsync(send, default);
        }

        foreach (var send in stale)
        {
            await StoredAsync(harness, send.Message.MsgId);
        }
        var timeline = await harness.Store.GetAfterSeqAsync(Chat, 0, 20, default);
        Assert.Equal(Enumerable.Range(1, 10).Select(s => (long)s), timeline.Select(m => m.Seq));
        // On one queue, in the order they were sent: each moved above the one before.
        Assert.Equal(stale.Select(s => s.Message.MsgId), timeline.Skip(5).Select(m => m.MsgId));
    }

    private static async Task<ChatMessage> StoredAsync(RocketMqGroupHarness harness, long msgId)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            if ((await harness.Store.GetByIdsAsync([msgId], default)) is [var stored])
            {
                return stored;
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Send {msgId} was never stored.");
            }
            await Task.Delay(50);
        }
    }
}
