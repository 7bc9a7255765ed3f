using System.Text.Json;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Messaging;
using ImSignalR.IntegrationTests.RocketMq.Double;
using static ImSignalR.IntegrationTests.RocketMq.RocketMqTestKit;

namespace ImSignalR.IntegrationTests.RocketMq;

public class RocketMqEndToEndTests
{
    [Fact]
    public async Task FiveThousandEventsAcrossFiftyChatsAreAppliedOnceInPerChatOrder()
    {
        await using var mq = RocketMqDouble.Start(brokers: 2);
        var topic = UniqueName("E2E");
        mq.CreateTopic(topic, queuesPerBroker: 4);
        var options = Options(mq.NameServerAddress, topic, UniqueName("G"));
        var store = new RecordingMessageStore();
        var (log, producer) = MessageLog(options);
        await using var _ = producer;
        await using var consumer = Consumer(options, store);
        await consumer.StartAsync(CancellationToken.None);

        var chats = Enumerable.Range(0, 50).Select(i => $"chat-{i}").ToArray();
        await Task.WhenAll(chats.Select(async chat =>
        {
            for (var seq = 1; seq <= 100; seq++)
            {
                var outcome = await log.AppendAsync(Sent(chat, seq), CancellationToken.None);
                Assert.Equal(Domain.Ports.AppendStatus.Appended, outcome.Status);
            }
        })).WaitAsync(Patience);

        await WaitUntil(() => store.Count == 5000, "5000 stored");
        // At least once: a send the producer timed out on and retried may sit in the topic twice (seen on a
        // loaded CI machine), right behind the first copy on the same queue; each event is applied exactly once.
        var records = mq.Brokers.SelectMany(b => b.Messages(topic).Select(r => (b.Name, r))).ToList();
        Assert.Equal(records.Count, mq.TotalMessages(topic));
        Assert.Equal(5000, records.Select(x => x.r.Properties["KEYS"]).Distinct().Count());
        Assert.All(store.EffectiveApplies.Values, n => Assert.Equal(1, n));
        foreach (var chat in chats)
        {
            Assert.Equal(Enumerable.Range(1, 100).Select(i => (long)i), store.SeqsOf(chat));
        }
        // Each chat has one queue (stable hash of chatId) holding all its events, retried copies included.
        foreach (var chat in records.GroupBy(x => JsonDocument.Parse(x.r.Body).RootElement.GetProperty("balanceId").GetString()))
        {
            Assert.Single(chat.Select(x => (x.Name, x.r.QueueId)).Distinct());
        }
        await consumer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task StoredBodiesAreJavaClusterEventsWithKeyAndTag()
    {
        await using var mq = RocketMqDouble.Start();
        var topic = UniqueName("BODY");
        mq.CreateTopic(topic, 4);
        var (log, producer) = MessageLog(Options(mq.NameServerAddress, topic, "g"));
        await using var _ = producer;
        var sent = Sent("chat-x", 7);
        await log.AppendAsync(sent, CancellationToken.None);
        await log.AppendAsync(new MessagesAcked("chat-x", "u1", "u2", [sent.Message.MsgId, 5], MessageStatus.Read, 7, 123), CancellationToken.None);

        var records = mq.Brokers[0].Messages(topic).OrderBy(r => r.PhysicalOffset).ToList();
        Assert.Equal(2, records.Count);
        Assert.Equal("C2C_SEND_MSG", records[0].Tags);
        Assert.Equal(sent.Message.MsgId.ToString(), records[0].Properties["KEYS"]);
        Assert.Equal("true", records[0].Properties["WAIT"]);
        Assert.Equal(32, records[0].Properties["UNIQ_KEY"].Length);
        var root = JsonDocument.Parse(records[0].Body).RootElement;
        Assert.Equal(["clusterEventType", "balanceId", "data", "createTime"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(10, root.GetProperty("clusterEventType").GetInt32());
        Assert.Equal("chat-x", root.GetProperty("balanceId").GetString());
        Assert.Equal(sent.Message.SendTime, root.GetProperty("createTime").GetInt64());
        var data = JsonDocument.Parse(root.GetProperty("data").GetString()!).RootElement;
        Assert.Equal(["msgId", "chatId", "msgCreateTime", "fromUserId", "toUserId", "msgFormat", "msgContent", "clientMsgId", "seq", "msgStatus"],
            data.EnumerateObject().Select(p => p.Name));
        Assert.Equal(sent.Message.MsgId.ToString(), data.GetProperty("msgId").GetString());
        Assert.Equal(1, data.GetProperty("msgStatus").GetInt32());

        Assert.Equal("C2C_CLIENT_RECEIVED_ACK_MSG", records[1].Tags);
        var ack = JsonDocument.Parse(JsonDocument.Parse(records[1].Body).RootElement.GetProperty("data").GetString()!).RootElement;
        Assert.Equal([sent.Message.MsgId.ToString(), "5"], ack.GetProperty("msgIds").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(4, ack.GetProperty("msgStatus").GetInt32());
        // Same chat, same queue.
        Assert.Equal(records[0].QueueId, records[1].QueueId);
    }

    [Fact]
    public async Task BrokerStoppedDuringSendsStoresExactlyTheAcceptedOnesAndFailsTheRestRetriably()
    {
        await using var mq = RocketMqDouble.Start();
        var topic = UniqueName("OUT");
        mq.CreateTopic(topic, 4);
        var options = Options(mq.NameServerAddress, topic, UniqueName("G"));
        options.SendRetries = 1;
        var (log, producer) = MessageLog(options);
        await using var _ = producer;
        var accepted = new HashSet<long>();
        var failed = 0;
        for (var i = 1; i <= 300; i++)
        {
            if (i == 100)
            {
                await mq.Brokers[0].StopAsync();
            }
            if (i == 200)
            {
                mq.Brokers[0].Start();
            }
            var e = Sent($"chat-{i % 7}", i);
            try
            {
                await log.AppendAsync(e, CancellationToken.None).AsTask().WaitAsync(Patience);
                accepted.Add(e.Message.MsgId);
            }
            catch (ImException ex)
            {
                Assert.Equal(ImErrorCode.LogUnavailable, ex.Code);
                Assert.True(ex.IsRetriable);
                failed++;
            }
        }
        Assert.Equal(100, failed);

        var store = new RecordingMessageStore();
        await using var consumer = Consumer(options, store);
        await consumer.StartAsync(CancellationToken.None);
        await WaitUntil(() => store.Count >= accepted.Count, "accepted sends consumed");
        await Task.Delay(500);
        Assert.Equal(accepted, store.MsgIds());
        await consumer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ConsumerKilledMidBatchResumesFromTheCommittedOffsetWithNothingLostOrDoubled()
    {
        await using var mq = RocketMqDouble.Start();
        var topic = UniqueName("KILL");
        mq.CreateTopic(topic, 4);
        var options = Options(mq.NameServerAddress, topic, UniqueName("G"));
        var (log, producer) = MessageLog(options);
        await using var _ = producer;
        for (var i = 1; i <= 600; i++)
        {
            await log.AppendAsync(Sent($"chat-{i % 13}", i), CancellationToken.None);
        }

        var store = new RecordingMessageStore();
        var blocked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        store.BeforeApply = async (events, ct) =>
        {
            if (store.Count >= 250)
            {
                blocked.TrySetResult();
                await Task.Delay(Timeout.Infinite, ct); // the process dies here, mid-batch
            }
        };
        var first = Consumer(options, store);
        await first.StartAsync(CancellationToken.None);
        await blocked.Task.WaitAsync(Patience);
        await first.DisposeAsync(); // hard stop: no final commit
        var appliedBeforeKill = store.Count;
        Assert.True(appliedBeforeKill < 600);

        store.BeforeApply = null;
        await using var second = Consumer(options, store);
        await second.StartAsync(CancellationToken.None);
        await WaitUntil(() => store.Count == 600, "all 600 applied after restart");
        await Task.Delay(500);
        Assert.Equal(600, store.Count);
        Assert.All(store.EffectiveApplies.Values, n => Assert.Equal(1, n));
        // Resumed from committed offsets: far fewer redeliveries than the events applied before the kill.
        Assert.True(store.Redeliveries < appliedBeforeKill, $"redeliveries {store.Redeliveries} vs applied {appliedBeforeKill}");
        for (var q = 0; q < 4; q++)
        {
            Assert.Equal(mq.Brokers[0].MaxOffset(topic, q), mq.Brokers[0].CommittedOffset(options.ConsumerGroup, topic, q));
        }
        await second.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task TwoConsumersSplitTheQueuesAndRebalanceWhenOneLeaves()
    {
        await using var mq = RocketMqDouble.Start();
        var topic = UniqueName("REB");
        mq.CreateTopic(topic, 8);
        var options = Options(mq.NameServerAddress, topic, UniqueName("G"));
        var store = new RecordingMessageStore();
        await using var first = Consumer(options, store);
        await using var second = Consumer(options, store);
        await first.StartAsync(CancellationToken.None);
        await WaitUntil(() => first.Consumer!.AssignedQueues.Count(q => q.Topic == topic) == 8, "first owns all 8");

        await second.StartAsync(CancellationToken.None);
        await WaitUntil(() =>
            first.Consumer!.AssignedQueues.Count(q => q.Topic == topic) == 4 &&
            second.Consumer!.AssignedQueues.Count(q => q.Topic == topic) == 4, "4 + 4");
        Assert.Empty(first.Consumer!.AssignedQueues.Intersect(second.Consumer!.AssignedQueues));

        var (log, producer) = MessageLog(options);
        await using var _ = producer;
        for (var i = 1; i <= 200; i++)
        {
            await log.AppendAsync(Sent($"chat-{i % 17}", i), CancellationToken.None);
        }
        await WaitUntil(() => store.Count == 200, "200 applied by two consumers");

        await second.StopAsync(CancellationToken.None);
        await WaitUntil(() => first.Consumer!.AssignedQueues.Count(q => q.Topic == topic) == 8, "first owns all 8 again");
        for (var i = 201; i <= 300; i++)
        {
            await log.AppendAsync(Sent($"chat-{i % 17}", i), CancellationToken.None);
        }
        await WaitUntil(() => store.Count == 300, "300 applied after rebalance");
        Assert.All(store.EffectiveApplies.Values, n => Assert.Equal(1, n));
        await first.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task ARestartedBrokerThatLostTheGroupDoesNotMakeTheConsumerDropItsQueues()
    {
        await using var mq = RocketMqDouble.Start();
        var topic = UniqueName("RST");
        mq.CreateTopic(topic, 4);
        var options = Options(mq.NameServerAddress, topic, UniqueName("G"));
        var store = new RecordingMessageStore();
        await using var consumer = Consumer(options, store);
        await consumer.StartAsync(CancellationToken.None);
        await WaitUntil(() => consumer.Consumer!.AssignedQueues.Count(q => q.Topic == topic) == 4, "owns all 4");

        // A restart forgets group memberships: until our next heartbeat lands the broker lists a group without us.
        await mq.Brokers[0].StopAsync();
        await Task.Delay(1500);
        mq.Brokers[0].Start();
        var fewest = 4;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        while (watch.Elapsed < TimeSpan.FromSeconds(4))
        {
            fewest = Math.Min(fewest, consumer.Consumer!.AssignedQueues.Count(q => q.Topic == topic));
            await Task.Delay(10);
        }

        // Dropping and restarting every queue would cost a rebalance interval of deafness after each broker restart.
        Assert.Equal(4, fewest);
        var (log, producer) = MessageLog(options);
        await using var _ = producer;
        await log.AppendAsync(Sent("chat-after-restart", 1), CancellationToken.None);
        await WaitUntil(() => store.Count == 1, "a send after the restart is applied");
        await consumer.StopAsync(CancellationToken.None);
    }

    [Theory]
    [InlineData(ReplySerialization.Binary)]
    [InlineData(ReplySerialization.MirrorRequest)]
    public async Task ClientWorksWhatEverSerializationTheServerAnswersIn(ReplySerialization mode)
    {
        await using var mq = RocketMqDouble.Start(replySerialization: mode);
        var topic = UniqueName("SER");
        mq.CreateTopic(topic, 2);
        var options = Options(mq.NameServerAddress, topic, UniqueName("G"));
        var store = new RecordingMessageStore();
        var (log, producer) = MessageLog(options);
        await using var _ = producer;
        await using var consumer = Consumer(options, store);
        await consumer.StartAsync(CancellationToken.None);
        for (var i = 1; i <= 20; i++)
        {
            await log.AppendAsync(Sent("chat", i), CancellationToken.None);
        }
        await WaitUntil(() => store.Count == 20, "20 applied");
        await consumer.StopAsync(CancellationToken.None);
    }

    [Fact]
    public async Task AnOldVersionClientParsesTheNameServersBareIntegerKeyRoutes()
    {
        await using var mq = RocketMqDouble.Start();
        var topic = UniqueName("OLD");
        mq.CreateTopic(topic, 2);
        var options = Options(mq.NameServerAddress, topic, "g");
        options.ClientVersion = 373;
        options.AcceptStandardJsonOnly = false;
        var (log, producer) = MessageLog(options);
        await using var _ = producer;

        await log.AppendAsync(Sent("chat", 1), CancellationToken.None);

        Assert.Contains(mq.RouteBodies, b => b.Contains("\"brokerAddrs\":{0:\"127.0.0.1:", StringComparison.Ordinal));
        Assert.Single(mq.Brokers[0].Messages(topic));
    }
}
