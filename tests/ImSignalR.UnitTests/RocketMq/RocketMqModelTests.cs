using ImSignalR.Domain.Messaging;
using ImSignalR.RocketMq.Consumer.Internal;
using ImSignalR.RocketMq.Internal;
using ImSignalR.RocketMq.Remoting;
using ImSignalR.RocketMq;

namespace ImSignalR.UnitTests.RocketMq;

public class RocketMqModelTests
{
    // Exact bytes from a 5.2.0 NameServer to a version-373 client (protocol doc §4.2).
    private const string QuirkyRoute =
        """{"brokerDatas":[{"brokerAddrs":{0:"10.2.3.117:10911"},"brokerName":"broker-a","cluster":"DefaultCluster","enableActingMaster":false}],"filterServerTable":{},"queueDatas":[{"brokerName":"broker-a","perm":6,"readQueueNums":8,"topicSysFlag":0,"writeQueueNums":8}]}""";

    [Fact]
    public void TheNameServersBareIntegerKeyRouteParses()
    {
        var route = TopicRouteJson.Parse(System.Text.Encoding.UTF8.GetBytes(QuirkyRoute));

        Assert.Equal("10.2.3.117:10911", route.MasterAddress("broker-a"));
        Assert.Equal(8, route.PublishQueues("T").Count);
        Assert.Equal(8, route.SubscribeQueues("T").Count);
    }

    [Theory]
    [InlineData("""{0:"a",1:"b"}""", """{"0":"a","1":"b"}""")]
    [InlineData("""{ -1 : "x" }""", """{ "-1" : "x" }""")]
    [InlineData("""{"k":"{0:\"not a key\"}"}""", """{"k":"{0:\"not a key\"}"}""")]
    [InlineData("""{"a":[0,1],"b":{"0":"q"}}""", """{"a":[0,1],"b":{"0":"q"}}""")]
    public void BareIntegerKeysAreQuotedOnlyOutsideStrings(string input, string expected) =>
        Assert.Equal(expected, TopicRouteJson.QuoteBareIntegerKeys(input));

    [Fact]
    public void AMalformedRouteThrowsTheProtocolException() =>
        Assert.Throws<RocketMqProtocolException>(() => TopicRouteJson.Parse("{\"queueDatas\":[{]}"u8));

    [Fact]
    public void QueuesWithoutAMasterOrWritePermissionAreNotPublished()
    {
        var route = new TopicRouteData(
            [new QueueData("b", 4, 4, 6), new QueueData("a", 4, 4, 4), new QueueData("c", 2, 2, 6)],
            [new BrokerData("C", "a", new Dictionary<long, string> { [0] = "x:1" }), new BrokerData("C", "b", new Dictionary<long, string> { [0] = "y:1" }),
             new BrokerData("C", "c", new Dictionary<long, string> { [1] = "slave:1" })],
            null);

        Assert.Equal(["b", "b", "b", "b"], route.PublishQueues("T").Select(q => q.BrokerName));
        Assert.Equal(2, route.PublishQueues("T", clampQueues: 2).Count);
    }

    [Theory]
    [InlineData(8, 3, new[] { 3, 3, 2 })]
    [InlineData(2, 3, new[] { 1, 1, 0 })]
    [InlineData(9, 2, new[] { 5, 4 })]
    public void AverageAllocationCoversEveryQueueOnce(int queues, int consumers, int[] expected)
    {
        var mq = Enumerable.Range(0, queues).Select(i => new MessageQueue("T", "broker-a", i)).ToList();
        var cids = Enumerable.Range(0, consumers).Select(i => $"10.0.0.{i}@x").ToList();

        var shares = cids.Select(c => QueueAllocator.Allocate(c, mq, cids)).ToList();

        Assert.Equal(expected, shares.Select(s => s.Count));
        Assert.Equal(mq, shares.SelectMany(s => s));
        Assert.Empty(QueueAllocator.Allocate("absent", mq, cids));
    }

    [Fact]
    public void MessageQueuesSortOrdinallyByTopicBrokerAndQueue()
    {
        var sorted = new[] { new MessageQueue("T", "b", 0), new MessageQueue("T", "B", 1), new MessageQueue("T", "a", 10), new MessageQueue("T", "a", 2) }.Order();

        Assert.Equal(["T@B#1", "T@a#2", "T@a#10", "T@b#0"], sorted.Select(q => q.ToString()));
    }

    [Fact]
    public void TheShardingHashIsMurmur3AndFixedAcrossProcesses()
    {
        // MurmurHash3 x86_32 (seed 0) reference values: a changed hash would move conversations to other queues.
        Assert.Equal(0u, StableHash.Murmur3(""));
        Assert.Equal(0x248BFA47u, StableHash.Murmur3("hello"));
        Assert.Equal(0x2E4FF723u, StableHash.Murmur3("The quick brown fox jumps over the lazy dog"));
        Assert.Equal(StableHash.Murmur3("chat-42"), StableHash.Murmur3(new string("chat-42".ToCharArray())));
        // Longer than the stack buffer, and non-ASCII: hashed over the UTF-8 bytes.
        var longId = new string('ü', 300);
        Assert.Equal(StableHash.Murmur3(System.Text.Encoding.UTF8.GetBytes(longId)), StableHash.Murmur3(longId));
    }

    [Fact]
    public void PatternedChatIdsSpreadOverTheQueues()
    {
        // The outside run's complaint: eight chats of one naming pattern all landed on one of four queues.
        var eight = Enumerable.Range(1, 8).Select(i => $"c2c:u{i}:u9").ToList();
        Assert.True(eight.Select(c => StableHash.Bucket(c, 4)).Distinct().Count() >= 3);

        // 8,000 patterned ids over 8 queues: every queue within 15 % of the mean.
        var counts = new int[8];
        for (var a = 0; a < 80; a++)
        {
            for (var b = 0; b < 100; b++)
            {
                counts[StableHash.Bucket($"c2c:user{a}:user{b}", 8)]++;
            }
        }
        Assert.All(counts, n => Assert.InRange(n, 850, 1150));
    }

    [Fact]
    public void OneInputBitFlipsAboutHalfTheOutputBits()
    {
        // Avalanche: the low bits that % n keeps must depend on every input bit.
        var total = 0.0;
        var samples = 0;
        for (var i = 0; i < 200; i++)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes($"c2c:{i}:{i * 7}");
            var h = StableHash.Murmur3(bytes);
            for (var bit = 0; bit < bytes.Length * 8; bit++)
            {
                var flipped = (byte[])bytes.Clone();
                flipped[bit / 8] ^= (byte)(1 << (bit % 8));
                total += System.Numerics.BitOperations.PopCount(h ^ StableHash.Murmur3(flipped));
                samples++;
            }
        }
        Assert.InRange(total / samples, 15.0, 17.0);
    }

    [Fact]
    public void PropertiesRoundTripAndDropEmptyValues()
    {
        var text = MessageProperties.Encode([new("UNIQ_KEY", "AB"), new("WAIT", "true"), new("TAGS", null), new("KEYS", "")]);

        Assert.Equal("UNIQ_KEY\u0001AB\u0002WAIT\u0001true\u0002KEYS\u0001\u0002", text);
        Assert.Equal(new Dictionary<string, string> { ["UNIQ_KEY"] = "AB", ["WAIT"] = "true" }, MessageProperties.Decode(text));
    }

    [Fact]
    public void ClusterEventsRoundTrip()
    {
        var message = new ChatMessage(1234567890123456789, "cm-1", "chat-1", 9, "u1", "u2", "hi \"there\" 你好", 1, "{\"k\":1}", 1700000000000, MessageStatus.Reached);
        LogEvent[] events =
        [
            new MessageSent(message),
            new MessageOffline(message with { Status = MessageStatus.Offline }, 1700000000500),
            new MessagesAcked("chat-1", "u1", "u2", [1234567890123456789, 2], MessageStatus.Read, 9, 1700000000900),
        ];

        foreach (var e in events)
        {
            var parsed = ClusterEventCodec.Parse(ClusterEventCodec.Serialize(e));
            if (e is MessagesAcked a)
            {
                var p = Assert.IsType<MessagesAcked>(parsed);
                Assert.Equal(a.MsgIds, p.MsgIds);
                Assert.Equal(a with { MsgIds = p.MsgIds }, p);
            }
            else
            {
                Assert.Equal(e, parsed);
            }
        }
    }

    [Fact]
    public void ClusterEventIdsAreStringsAndTheEnvelopeIsExact()
    {
        var message = new ChatMessage(42, "cm", "chat", 1, "u1", "u2", "x", 1, null, 1700000000000, MessageStatus.Reached);

        var json = System.Text.Encoding.UTF8.GetString(ClusterEventCodec.Serialize(new MessageSent(message)));

        Assert.Equal(
            """{"clusterEventType":10,"balanceId":"chat","data":"{\"msgId\":\"42\",\"chatId\":\"chat\",\"msgCreateTime\":1700000000000,\"fromUserId\":\"u1\",\"toUserId\":\"u2\",\"msgFormat\":1,\"msgContent\":\"x\",\"clientMsgId\":\"cm\",\"seq\":1,\"msgStatus\":1}","createTime":1700000000000}""",
            json);
    }

    [Fact]
    public void ARecallIsTheJavaWithdrawEventAndRoundTrips()
    {
        var recall = new MessageRecalled("chat", 42, "u1", "u2", 1700000000500);

        var json = System.Text.Encoding.UTF8.GetString(ClusterEventCodec.Serialize(recall));

        Assert.Equal(
            """{"clusterEventType":40,"balanceId":"chat","data":"{\"msgId\":\"42\",\"chatId\":\"chat\",\"fromUserId\":\"u1\",\"toUserId\":\"u2\",\"withdrawFlag\":1}","createTime":1700000000500}""",
            json);
        Assert.Equal("C2C_CLIENT_WITHDRAW_MSG", ClusterEventCodec.TagOf(recall));
        Assert.Equal("42", ClusterEventCodec.KeyOf(recall));
        Assert.Equal(recall, ClusterEventCodec.Parse(System.Text.Encoding.UTF8.GetBytes(json)));
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"clusterEventType":40,"data":"{\"msgId\":\"1\"}","createTime":1}""")]
    [InlineData("""{"clusterEventType":99,"data":"{}","createTime":1}""")]
    [InlineData("""{"clusterEventType":10,"data":"{\"msgId\":\"1\"}","createTime":1}""")]
    public void NonClusterEventsAreRejected(string body) =>
        Assert.Throws<FormatException>(() => ClusterEventCodec.Parse(System.Text.Encoding.UTF8.GetBytes(body)));

    [Fact]
    public void TruncatedPullBodiesAreRejected()
    {
        var bytes = new byte[100];
        System.Buffers.Binary.BinaryPrimitives.WriteInt32BigEndian(bytes, 200);

        Assert.Throws<RocketMqProtocolException>(() => MessageDecoder.DecodeAll(bytes));
    }
}
