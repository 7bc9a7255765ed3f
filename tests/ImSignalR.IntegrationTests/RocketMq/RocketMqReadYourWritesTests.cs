using ImSignalR.IntegrationTests.RocketMq.Double;
using ImSignalR.RocketMq.Consumer;
using ImSignalR.RocketMq.ReadYourWrites;
using ImSignalR.RocketMq;
using Microsoft.Extensions.Logging.Abstractions;
using static ImSignalR.IntegrationTests.RocketMq.RocketMqTestKit;

namespace ImSignalR.IntegrationTests.RocketMq;

/// <summary>
/// Issue 18: a sync or ack right after an accepted send sees the message although the persistence consumer
/// lags, whether the consumer runs in this process or another; a stalled consumer delays reads by the bound only.
/// </summary>
public class RocketMqReadYourWritesTests
{
    private static readonly TimeSpan ApplyLag = TimeSpan.FromMilliseconds(600);

    private sealed record Rig(RocketMqDouble Mq, RocketMqOptions Options, RecordingMessageStore Store, LocalConsumerRegistry Registry) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await Mq.DisposeAsync();
    }

    private static Rig Start(int queues = 4)
    {
        var mq = RocketMqDouble.Start(brokers: 2);
        var topic = UniqueName("RYW");
        mq.CreateTopic(topic, queues);
        var options = Options(mq.NameServerAddress, topic, UniqueName("G"));
        options.ReadYourWritesTimeout = TimeSpan.FromSeconds(5);
        var store = new RecordingMessageStore
        {
            // The consumer is slow: each batch reaches the store 600 ms after it was pulled.
            BeforeApply = (_, ct) => Task.Delay(ApplyLag, ct),
        };
        return new Rig(mq, options, store, new LocalConsumerRegistry());
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ASyncRightAfterEachSendReturnsIt(bool consumerInThisProcess)
    {
        await using var rig = Start();
        var consumer = new RocketMqPersistenceConsumer(rig.Store, Microsoft.Extensions.Options.Options.Create(rig.Options),
            NullLogger<RocketMqPersistenceConsumer>.Instance, consumerInThisProcess ? rig.Registry : null);
        await consumer.StartAsync(CancellationToken.None);
        await using var barrier = new ReadYourWritesBarrier(rig.Options, rig.Registry, NullLogger<ReadYourWritesBarrier>.Instance);
        var reads = new ReadYourWritesMessageStore(rig.Store, barrier);
        var (log, producer) = MessageLog(rig.Options);
        await using var _ = producer;

        var missedByTheRawStore = 0;
        for (var seq = 1; seq <= 10; seq++)
        {
            var chat = $"chat-{seq % 3}";
            var sent = Sent(chat, seq);
            await log.AppendAsync(sent, CancellationToken.None);
            if ((await rig.Store.GetAfterSeqAsync(chat, seq - 1, 10, CancellationToken.None)).Count == 0)
            {
                missedByTheRawStore++;
            }
            var page = await reads.GetAfterSeqAsync(chat, seq - 1, 10, CancellationToken.None);
            Assert.Contains(page, m => m.MsgId == sent.Message.MsgId);
        }
        Assert.True(missedByTheRawStore >= 8, $"the consumer did not lag: raw store missed only {missedByTheRawStore}");
        Assert.Equal(0, barrier.Timeouts);
        await consumer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AnAckRightAfterASendFindsItsMessage()
    {
        await using var rig = Start();
        await using var consumer = new RocketMqPersistenceConsumer(rig.Store, Microsoft.Extensions.Options.Options.Create(rig.Options),
            NullLogger<RocketMqPersistenceConsumer>.Instance, rig.Registry);
        await consumer.StartAsync(CancellationToken.None);
        await using var barrier = new ReadYourWritesBarrier(rig.Options, rig.Registry, NullLogger<ReadYourWritesBarrier>.Instance);
        var reads = new ReadYourWritesMessageStore(rig.Store, barrier);
        var (log, producer) = MessageLog(rig.Options);
        await using var _ = producer;

        var sent = Sent("chat-ack", 1);
        await log.AppendAsync(sent, CancellationToken.None);
        Assert.Empty(await rig.Store.GetByIdsAsync([sent.Message.MsgId], CancellationToken.None));

        var found = await reads.GetByIdsAsync([sent.Message.MsgId], CancellationToken.None);

        Assert.Equal(sent.Message.MsgId, Assert.Single(found).MsgId);
        // An id that does not exist costs one bounded wait and stays missing.
        Assert.Empty(await reads.GetByIdsAsync([42], CancellationToken.None));
        await consumer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task WithNoConsumerRunningAReadWaitsOnlyTheBoundThenGoesAhead()
    {
        await using var rig = Start();
        rig.Options.ReadYourWritesTimeout = TimeSpan.FromMilliseconds(500);
        await using var barrier = new ReadYourWritesBarrier(rig.Options, rig.Registry, NullLogger<ReadYourWritesBarrier>.Instance);
        var reads = new ReadYourWritesMessageStore(rig.Store, barrier);
        var (log, producer) = MessageLog(rig.Options);
        await using var _ = producer;
        await log.AppendAsync(Sent("chat-stalled", 1), CancellationToken.None);

        var started = DateTime.UtcNow;
        var page = await reads.GetAfterSeqAsync("chat-stalled", 0, 10, CancellationToken.None);

        Assert.Empty(page);
        Assert.InRange((DateTime.UtcNow - started).TotalMilliseconds, 400, 3000);
        Assert.Equal(1, barrier.Timeouts);
        // A chat whose queue holds nothing unapplied is not delayed at all.
        var other = Enumerable.Range(0, 100).Select(i => $"idle-{i}").First(c => !SameQueue(rig, c, "chat-stalled"));
        started = DateTime.UtcNow;
        await reads.GetAfterSeqAsync(other, 0, 10, CancellationToken.None);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromMilliseconds(400));
    }

    /// <summary>The producer's choice over the route's 2 × 4 publish queues.</summary>
    private static bool SameQueue(Rig rig, string a, string b)
    {
        var queues = rig.Mq.Brokers.Count * 4;
        return ImSignalR.RocketMq.Internal.StableHash.Bucket(a, queues) == ImSignalR.RocketMq.Internal.StableHash.Bucket(b, queues);
    }
}
