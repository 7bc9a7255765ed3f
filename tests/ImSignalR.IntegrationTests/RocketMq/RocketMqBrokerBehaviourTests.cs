using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.IntegrationTests.RocketMq.Double;
using ImSignalR.RocketMq.Producer;
using ImSignalR.RocketMq.Remoting;
using ImSignalR.RocketMq;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using static ImSignalR.IntegrationTests.RocketMq.RocketMqTestKit;

namespace ImSignalR.IntegrationTests.RocketMq;

/// <summary>
/// The client against a double that behaves as the Apache broker does where the first client got it wrong
/// (issue 18): 5 s hold re-checks, TOPIC_NOT_EXIST then TBW102 auto-creation, the 4.9.x reset push, offsets of
/// queues that never saw a message, ordered sends that never change queue.
/// </summary>
public class RocketMqBrokerBehaviourTests
{
    private const int PullFailedEvent = 7007;
    private const int OffsetResetEvent = 7013;

    [Fact]
    public async Task WithJavaTimingsAHeldPullIsAnsweredAfterFifteenToTwentySecondsAndTheConsumerStillWaitsForIt()
    {
        // The worst phase a broker can have: a hold check just before the first hold expires, so that hold is
        // answered at the next check, 19.9 s after it began.
        await using var mq = RocketMqDouble.Start(holdCheckPhase: TimeSpan.FromSeconds(4.9));
        var topic = UniqueName("HOLD");
        mq.CreateTopic(topic, 1);
        var options = JavaTimings(mq.NameServerAddress, topic, UniqueName("G"));
        var store = new RecordingMessageStore();
        var logger = new CapturingLogger<RocketMqPersistenceConsumer>();
        await using var consumer = Consumer(options, store, logger);
        await consumer.StartAsync(CancellationToken.None);

        // Later than the old client's 18 s pull timeout (hold + request timeout).
        await WaitUntil(() => mq.Brokers[0].ExpiredHolds.Count > 0, "a hold expires");
        var (suspendedAt, answeredAt, suspendMs) = mq.Brokers[0].ExpiredHolds[0];
        Assert.Equal(15_000, suspendMs);
        // Pinned, the first hold is answered 19.9 s after it began. Under load a queue's first pull can begin seconds
        // after the pinned one (a slow first round trip), and is then answered at an earlier check: still within what
        // a real broker does (15 s plus at most one 5 s re-check period), which is what the client must tolerate.
        Assert.InRange((answeredAt - suspendedAt).TotalSeconds, 14.9, 20.5);
        await Task.Delay(300);
        Assert.DoesNotContain(logger.Entries, e => e.Id.Id == PullFailedEvent);

        // The consumer re-pulled at once, so a message now is consumed at once, not after a pause.
        var (log, producer) = MessageLog(options);
        await using var _ = producer;
        await log.AppendAsync(Sent("chat-hold", 1), CancellationToken.None);
        var started = DateTime.UtcNow;
        await WaitUntil(() => store.Count == 1, "the message consumed");
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(1), $"consumed after {DateTime.UtcNow - started}");
        await consumer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ATopicCreatedByItsFirstSendIsConsumedWithinSecondsNotAtTheNextRefresh()
    {
        await using var mq = RocketMqDouble.Start(brokers: 2);
        var topic = UniqueName("AUTO");
        var options = JavaTimings(mq.NameServerAddress, topic, UniqueName("G"));
        var store = new RecordingMessageStore();
        var logger = new CapturingLogger<RocketMqPersistenceConsumer>();
        await using var consumer = Consumer(options, store, logger);
        await consumer.StartAsync(CancellationToken.None);
        Assert.True(mq.RouteMisses > 0, "the NameServer answers TOPIC_NOT_EXIST before the first send");
        Assert.DoesNotContain(mq.Brokers, b => b.Topics.ContainsKey(topic));

        var (log, producer) = MessageLog(options);
        await using var _ = producer;
        for (var i = 1; i <= 10; i++)
        {
            await log.AppendAsync(Sent("chat-auto", i), CancellationToken.None);
        }
        // Created through TBW102 with min(4, 8) queues and perm 6.
        var created = mq.Brokers.Where(b => b.Topics.ContainsKey(topic)).Select(b => b.Topics[topic]).ToList();
        Assert.NotEmpty(created);
        Assert.All(created, c => Assert.Equal(new TopicConfig(4, 4, 6), c));

        var started = DateTime.UtcNow;
        await WaitUntil(() => store.Count == 10, "10 consumed");
        // Java's next route refresh is 30 s away and its rebalance 20 s. Unloaded this takes about 1 s (the missing-topic
        // retry); a loaded CI machine has been seen at 6.5 s, so the bound proves "not at the refresh" with room.
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(10),
            $"consumed after {DateTime.UtcNow - started} (sent by {started:HH:mm:ss.fff}):\n{string.Join('\n', logger.Timeline)}");
        await consumer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AConsumerThatCouldNotListTheGroupAsksAgainSoonNotAtTheNextRebalance()
    {
        await using var mq = RocketMqDouble.Start();
        var topic = UniqueName("BUSY");
        mq.CreateTopic(topic, 2);
        // Busy through the start-up rebalance and the one our first heartbeat triggers.
        mq.Brokers[0].BusyConsumerListUntil = DateTime.UtcNow.AddSeconds(3);
        var options = JavaTimings(mq.NameServerAddress, topic, UniqueName("G"));
        var store = new RecordingMessageStore();
        var logger = new CapturingLogger<RocketMqPersistenceConsumer>();
        await using var consumer = Consumer(options, store, logger);
        var started = DateTime.UtcNow;
        await consumer.StartAsync(CancellationToken.None);
        var (log, producer) = MessageLog(options);
        await using var _ = producer;
        await log.AppendAsync(Sent("chat-busy", 1), CancellationToken.None);

        await WaitUntil(() => store.Count == 1, "the message consumed");
        // Java's periodic rebalance is 20 s away; the retry after a failed member query is 5 s.
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(14),
            $"consumed after {DateTime.UtcNow - started}:\n{string.Join('\n', logger.Timeline)}");
        await consumer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task EveryOwnedQueueGetsACommittedOffsetEvenWhenItNeverSawAMessage()
    {
        await using var mq = RocketMqDouble.Start();
        var topic = UniqueName("EMPTY");
        mq.CreateTopic(topic, 8);
        var options = Options(mq.NameServerAddress, topic, UniqueName("G"));
        var store = new RecordingMessageStore();
        await using var consumer = Consumer(options, store);
        await consumer.StartAsync(CancellationToken.None);
        var (log, producer) = MessageLog(options);
        await using var _ = producer;
        for (var i = 1; i <= 5; i++)
        {
            await log.AppendAsync(Sent("only-chat", i), CancellationToken.None);
        }

        await WaitUntil(() => Enumerable.Range(0, 8).All(q => mq.Brokers[0].CommittedOffset(options.ConsumerGroup, topic, q) is not null),
            "an offset on all 8 queues");
        Assert.Equal(7, Enumerable.Range(0, 8).Count(q => mq.Brokers[0].CommittedOffset(options.ConsumerGroup, topic, q) == 0));
        await consumer.StopAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData(BrokerFlavour.V5, ResponseCode.QueryNotFound)]
    [InlineData(BrokerFlavour.V4_9, ResponseCode.Success)]
    public async Task OffsetQueriesOfANewGroupOnAnEmptyQueueFollowTheBrokerLine(BrokerFlavour flavour, int expected)
    {
        await using var mq = RocketMqDouble.Start(flavour: flavour);
        mq.CreateTopic("Q", 2);
        await using var client = new RemotingClient(TimeSpan.FromSeconds(1), NullLogger.Instance);
        var response = await client.InvokeAsync(mq.Brokers[0].Address, RemotingCommand.CreateRequest(RequestCode.QueryConsumerOffset, new()
        {
            ["consumerGroup"] = "new-group", ["topic"] = "Q", ["queueId"] = "1",
        }), TimeSpan.FromSeconds(2), CancellationToken.None);

        Assert.Equal(expected, response.Code);
        if (expected == ResponseCode.Success)
        {
            Assert.Equal("0", response.GetExt("offset"));
        }
    }

    [Fact]
    public async Task A49ResetByTimeNeedsEveryQueueCommittedThenThePushedOffsetsAreReplayedCommittedAndLogged()
    {
        await using var mq = RocketMqDouble.Start(flavour: BrokerFlavour.V4_9);
        var topic = UniqueName("RESET");
        mq.CreateTopic(topic, 4);
        var options = Options(mq.NameServerAddress, topic, UniqueName("G"));
        Assert.Equal(ResponseCode.SystemError, mq.Brokers[0].ResetOffsetByTime(options.ConsumerGroup, topic, 0).Code);

        var store = new RecordingMessageStore();
        var logger = new CapturingLogger<RocketMqPersistenceConsumer>();
        await using var consumer = Consumer(options, store, logger);
        await consumer.StartAsync(CancellationToken.None);
        var (log, producer) = MessageLog(options);
        await using var _ = producer;
        for (var i = 1; i <= 40; i++)
        {
            await log.AppendAsync(Sent("replayed-chat", i), CancellationToken.None);
        }
        await WaitUntil(() => store.Count == 40, "40 applied");
        var busy = Enumerable.Range(0, 4).Single(q => mq.Brokers[0].MaxOffset(topic, q) == 40);
        await WaitUntil(() => mq.Brokers[0].CommittedOffset(options.ConsumerGroup, topic, busy) == 40
            && Enumerable.Range(0, 4).All(q => mq.Brokers[0].CommittedOffset(options.ConsumerGroup, topic, q) is not null), "all committed");

        // mqadmin resetOffsetByTime -t topic -g group -s 0: replay everything.
        var (code, remark) = mq.Brokers[0].ResetOffsetByTime(options.ConsumerGroup, topic, 0);
        Assert.True(code == ResponseCode.Success, $"reset answered {code} {remark}");

        await WaitUntil(() => store.Redeliveries >= 40, "the 40 replayed");
        await WaitUntil(() => mq.Brokers[0].CommittedOffset(options.ConsumerGroup, topic, busy) == 40, "committed again after the replay");
        Assert.Equal(40, store.Count);
        Assert.Contains(logger.Entries, e => e.Id.Id == OffsetResetEvent && e.Level == LogLevel.Information && e.Message.Contains("from 40 to 0", StringComparison.Ordinal));
        await consumer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task A5xBrokerSideResetMovesTheConsumerOnItsNextPull()
    {
        await using var mq = RocketMqDouble.Start(flavour: BrokerFlavour.V5);
        var topic = UniqueName("RESET5");
        mq.CreateTopic(topic, 2);
        var options = Options(mq.NameServerAddress, topic, UniqueName("G"));
        var store = new RecordingMessageStore();
        await using var consumer = Consumer(options, store);
        await consumer.StartAsync(CancellationToken.None);
        var (log, producer) = MessageLog(options);
        await using var _ = producer;
        for (var i = 1; i <= 20; i++)
        {
            await log.AppendAsync(Sent("chat5", i), CancellationToken.None);
        }
        await WaitUntil(() => store.Count == 20, "20 applied");

        Assert.All(mq.ResetOffsetByTime(options.ConsumerGroup, topic, 0), r => Assert.Equal(ResponseCode.Success, r.Code));

        await WaitUntil(() => store.Redeliveries >= 20, "the 20 replayed");
        var busy = Enumerable.Range(0, 2).Single(q => mq.Brokers[0].MaxOffset(topic, q) == 20);
        await WaitUntil(() => mq.Brokers[0].CommittedOffset(options.ConsumerGroup, topic, busy) == 20, "committed again");
        await consumer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ATimedOutSendIsRetriedOnTheSameQueueOnly()
    {
        await using var mq = RocketMqDouble.Start(brokers: 2);
        var topic = UniqueName("TMO");
        mq.CreateTopic(topic, 2);
        var options = Options(mq.NameServerAddress, topic, "g");
        options.SendTimeout = TimeSpan.FromMilliseconds(500);
        foreach (var broker in mq.Brokers)
        {
            broker.SendReplyDelay = TimeSpan.FromSeconds(1);
            broker.DelayedSends = 1;
        }
        var (log, producer) = MessageLog(options);
        await using var _ = producer;

        for (var chat = 0; chat < 8; chat++)
        {
            await log.AppendAsync(Sent($"chat-{chat}", 1), CancellationToken.None);
        }

        // The timed-out first attempts were stored too: their chats have two copies, on ONE queue.
        var records = mq.Brokers.SelectMany(b => b.Messages(topic).Select(r => (b.Name, r.QueueId, Chat: System.Text.Json.JsonDocument.Parse(r.Body).RootElement.GetProperty("balanceId").GetString()))).ToList();
        Assert.True(records.Count > 8, "some sends timed out and were retried");
        Assert.All(records.GroupBy(r => r.Chat), chat => Assert.Single(chat.Select(r => (r.Name, r.QueueId)).Distinct()));
    }

    [Fact]
    public async Task ASendRefusedByItsQueuesBrokerFailsRetriablyAndNeverMovesToAnotherBroker()
    {
        await using var mq = RocketMqDouble.Start(brokers: 2);
        var topic = UniqueName("BUSY");
        mq.CreateTopic(topic, 2);
        var options = Options(mq.NameServerAddress, topic, "g");
        var (log, producer) = MessageLog(options);
        await using var _ = producer;
        mq.Broker("broker-a").FailSendsWith = ResponseCode.SystemBusy;

        var failed = 0;
        for (var i = 0; i < 40; i++)
        {
            try
            {
                await log.AppendAsync(Sent($"chat-{i}", 1), CancellationToken.None);
            }
            catch (ImException e)
            {
                Assert.Equal(ImErrorCode.LogUnavailable, e.Code);
                Assert.True(e.IsRetriable);
                failed++;
            }
        }

        Assert.Empty(mq.Broker("broker-a").Messages(topic));
        Assert.Equal(40 - failed, mq.Broker("broker-b").Messages(topic).Count);
        Assert.InRange(failed, 5, 35);
        // 1 try + SendRetries on the same broker for each failed send.
        Assert.Equal(failed * (options.SendRetries + 1), mq.Broker("broker-a").RequestCounts[RequestCode.SendMessageV2]);
    }

    [Fact]
    public async Task TheProducerHeartbeatsItsGroupAndUnregistersOnDispose()
    {
        await using var mq = RocketMqDouble.Start();
        var topic = UniqueName("PHB");
        mq.CreateTopic(topic, 2);
        var options = Options(mq.NameServerAddress, topic, "g");
        options.ProducerGroup = UniqueName("P");
        var (log, producer) = MessageLog(options);
        await log.AppendAsync(Sent("c", 1), CancellationToken.None);

        await WaitUntil(() => mq.Brokers[0].ProducerMembers(options.ProducerGroup).Count == 1, "the producer registered");
        await producer.DisposeAsync();
        await WaitUntil(() => mq.Brokers[0].ProducerMembers(options.ProducerGroup).Count == 0, "the producer unregistered");
    }

    [Fact]
    public async Task ReadinessFollowsTheBrokers()
    {
        await using var mq = RocketMqDouble.Start(brokers: 2);
        var topic = UniqueName("RDY");
        mq.CreateTopic(topic, 2);
        var (_, producer) = MessageLog(Options(mq.NameServerAddress, topic, "g"));
        await using var _ = producer;

        Assert.Equal(ProbeStatus.Healthy, (await producer.ProbeAsync(CancellationToken.None)).Status);
        await mq.Broker("broker-a").StopAsync();
        Assert.Equal(ProbeStatus.Degraded, (await producer.ProbeAsync(CancellationToken.None)).Status);
        await mq.Broker("broker-b").StopAsync();
        Assert.Equal(ProbeStatus.Unhealthy, (await producer.ProbeAsync(CancellationToken.None)).Status);
        mq.Broker("broker-a").Start();
        mq.Broker("broker-b").Start();
        Assert.Equal(ProbeStatus.Healthy, (await producer.ProbeAsync(CancellationToken.None)).Status);
    }

    [Fact]
    public async Task ANormalShutdownLogsNoWarning()
    {
        await using var mq = RocketMqDouble.Start(brokers: 2);
        var topic = UniqueName("BYE");
        mq.CreateTopic(topic, 2);
        var options = Options(mq.NameServerAddress, topic, UniqueName("G"));
        var consumerLog = new CapturingLogger<RocketMqPersistenceConsumer>();
        var producerLog = new CapturingLogger<RocketMqProducer>();
        var store = new RecordingMessageStore();
        var consumer = Consumer(options, store, consumerLog);
        await consumer.StartAsync(CancellationToken.None);
        var producer = new RocketMqProducer(options, producerLog);
        var log = new RocketMqMessageLog(producer, Microsoft.Extensions.Options.Options.Create(options));
        for (var i = 1; i <= 10; i++)
        {
            await log.AppendAsync(Sent($"chat-{i}", i), CancellationToken.None);
        }
        await WaitUntil(() => store.Count == 10, "10 applied");

        await consumer.StopAsync(CancellationToken.None);
        await producer.DisposeAsync();
        await consumer.DisposeAsync();

        Assert.Empty(consumerLog.AtLeast(LogLevel.Warning));
        Assert.Empty(producerLog.AtLeast(LogLevel.Warning));
    }
}
