using System.Collections.Concurrent;
using System.Text.Json;
using ImSignalR.Contracts;
using ImSignalR.Client;
using ImSignalR.FunctionalTests.Cluster;
using ImSignalR.FunctionalTests.Infrastructure;
using ImSignalR.IntegrationTests.RocketMq.Double;

namespace ImSignalR.FunctionalTests.RocketMq;

/// <summary>
/// Issue 7 acceptance: a real hub process in RocketMQ mode, sending through the NameServer+Broker
/// double, with its persistence consumer writing into MariaDB.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RocketMqHubTests
{
    private static async Task<(RocketMqDouble Mq, HubProcess Hub, string Topic)> StartAsync(BrokerFlavour flavour, bool createTopic = true)
    {
        var mysql = Environment.GetEnvironmentVariable("IM_TEST_MYSQL")
            ?? throw new InvalidOperationException("IM_TEST_MYSQL is not set: run ./scripts/test.sh.");
        var mq = RocketMqDouble.Start(brokers: 2, flavour: flavour);
        var topic = "IM_E2E_" + Guid.NewGuid().ToString("N")[..12];
        if (createTopic)
        {
            mq.CreateTopic(topic, queuesPerBroker: 4);
        }
        var hub = await HubProcess.StartAsync(new Dictionary<string, string>
        {
            ["Im__RocketMq__NameServer"] = mq.NameServerAddress,
            ["Im__RocketMq__Topic"] = topic,
            ["Im__RocketMq__ConsumerGroup"] = "g_" + topic,
            ["Im__RocketMq__PullSuspendTimeout"] = "00:00:01",
            ["Im__RocketMq__RebalanceInterval"] = "00:00:01",
            ["Im__RocketMq__HeartbeatInterval"] = "00:00:01",
            ["Im__RocketMq__SendTimeout"] = "00:00:02",
            ["Im__RocketMq__RequestTimeout"] = "00:00:02",
            ["Im__RocketMq__ConnectTimeout"] = "00:00:01",
            ["Im__Store__Provider"] = "MySql",
            ["Im__Store__ConnectionString"] = mysql,
            ["Im__Auth__SigningKey"] = ClusterFixture.SigningKey,
            ["Im__Auth__DevTokens"] = "true",
            ["Im__Limits__SendsPerSecond"] = "100000",
            ["Im__Limits__SendBurst"] = "100000",
            // A read that went ahead unconfirmed is logged at Debug: show it when a read-your-writes check fails.
            ["Logging__LogLevel__ImSignalR.RocketMq.ReadYourWrites"] = "Debug",
            // The barrier's bound (2 s by default) waits longer here: these tests check that a read waits for its write,
            // and right after a broker outage a loaded CI machine's consumer has taken more than 2 s to pull again.
            ["Im__RocketMq__ReadYourWritesTimeout"] = "00:00:08",
            // An outage makes the producer warn per attempt; kept out so a failure's log tail shows the consumer.
            ["Logging__LogLevel__ImSignalR.RocketMq.Producer"] = "Error",
            ["Logging__Console__TimestampFormat"] = "HH:mm:ss.fff ",
            ["Logging__Console__UseUtcTimestamp"] = "true",
        });
        return (mq, hub, topic);
    }

    private static async Task<List<ImMessage>> SyncAllAsync(ImChatClient client, string chatId)
    {
        var all = new List<ImMessage>();
        SyncResult page;
        do
        {
            page = await client.SyncAsync(chatId, all.Count == 0 ? 0 : all[^1].Seq, 200);
            all.AddRange(page.Messages);
        }
        while (page.HasMore);
        return all;
    }

    [Theory]
    [InlineData(BrokerFlavour.V5)]
    [InlineData(BrokerFlavour.V4_9)]
    public async Task FiveThousandSendsAcrossFiftyConversationsAreStoredOnceInOrderAsClusterEvents(BrokerFlavour flavour)
    {
        var (mq, hub, topic) = await StartAsync(flavour);
        await using var mqScope = mq;
        await using var hubScope = hub;
        var run = Guid.NewGuid().ToString("N")[..8];
        var senders = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => RecordingClient.ConnectAsync(hub, $"s{i}-{run}")));
        var results = new ConcurrentBag<SendResult>();
        await Task.WhenAll(senders.Select((s, i) => Task.Run(async () =>
        {
            for (var k = 0; k < 100; k++)
            {
                results.Add(await s.SendAsync($"r{i}-{run}", $"{i}/{k}", clientMsgId: $"{i}-{k}"));
            }
        })));
        Assert.Equal(5000, results.Select(r => r.MsgId).Distinct().Count());

        await using var reader = await RecordingClient.ConnectAsync(hub, $"s0-{run}");
        foreach (var (chat, i) in results.GroupBy(r => r.ChatId).Select((g, i) => (g, i)))
        {
            var owner = senders.Single(s => chat.Key.Contains(s.UserId + ":", StringComparison.Ordinal) || chat.Key.EndsWith(":" + s.UserId, StringComparison.Ordinal));
            List<ImMessage> stored = [];
            await Eventually.TrueAsync(async () => (stored = await SyncAllAsync(owner.Client, chat.Key)).Count == 100,
                $"the consumer stores all 100 of {chat.Key}", TimeSpan.FromSeconds(60));
            Assert.Equal(Enumerable.Range(1, 100).Select(x => (long)x), stored.Select(m => m.Seq));
            Assert.Equal(chat.OrderBy(r => r.Seq).Select(r => r.MsgId), stored.Select(m => m.MsgId));
        }

        // The bodies on the broker are Java ClusterEvents (SPEC §6), one C2C_SEND_MSG per accepted send.
        var sends = mq.Brokers
            .SelectMany(b => b.Messages(topic).Select(r => (Broker: b.Name, Record: r)))
            .Where(x => x.Record.Properties.GetValueOrDefault("TAGS") == "C2C_SEND_MSG")
            .ToList();
        Assert.Equal(5000, sends.Count);
        using var body = JsonDocument.Parse(sends[0].Record.Body);
        Assert.Equal(10, body.RootElement.GetProperty("clusterEventType").GetInt32());
        var balanceId = body.RootElement.GetProperty("balanceId").GetString();
        Assert.StartsWith("c2c:", balanceId);
        Assert.True(body.RootElement.GetProperty("createTime").GetInt64() > 0);
        using var data = JsonDocument.Parse(body.RootElement.GetProperty("data").GetString()!);
        foreach (var field in new[] { "msgId", "chatId", "msgCreateTime", "fromUserId", "toUserId", "msgFormat", "msgContent", "clientMsgId", "seq", "msgStatus" })
        {
            Assert.True(data.RootElement.TryGetProperty(field, out _), $"data lacks {field}");
        }
        // One conversation stays on one queue, so im-business sees it in order.
        foreach (var chat in sends.GroupBy(x => ChatOf(x.Record.Body)))
        {
            Assert.Single(chat.Select(x => (x.Broker, x.Record.QueueId)).Distinct());
        }
        foreach (var s in senders)
        {
            await s.DisposeAsync();
        }
    }

    private static string? ChatOf(byte[] body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("balanceId").GetString();
    }

    [Theory]
    [InlineData(BrokerFlavour.V5)]
    [InlineData(BrokerFlavour.V4_9)]
    public async Task WithTheBrokersDownSendsFailRetriablyAndAcceptedOnesAreExactlyThoseStored(BrokerFlavour flavour)
    {
        var (mq, hub, _) = await StartAsync(flavour);
        await using var mqScope = mq;
        await using var hubScope = hub;
        var run = Guid.NewGuid().ToString("N")[..8];
        await using var alice = await RecordingClient.ConnectAsync(hub, $"alice-{run}");
        var bobId = $"bob-{run}";
        var accepted = new List<SendResult>();
        var failed = 0;
        var restarted = "";

        for (var i = 0; i < 300; i++)
        {
            if (i == 100)
            {
                Assert.True((await hub.Http.GetAsync("/health/ready")).IsSuccessStatusCode, "ready with the brokers up");
                foreach (var broker in mq.Brokers)
                {
                    await broker.StopAsync();
                }
                // No broker can store a send: the node is not ready (the rocketmq check).
                using var ready = await hub.Http.GetAsync("/health/ready");
                Assert.Equal(System.Net.HttpStatusCode.ServiceUnavailable, ready.StatusCode);
                Assert.Contains("rocketmq", await ready.Content.ReadAsStringAsync(), StringComparison.Ordinal);
            }
            if (i == 200)
            {
                foreach (var broker in mq.Brokers)
                {
                    broker.Start();
                }
                restarted = DateTime.UtcNow.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);
                await Eventually.TrueAsync(async () => (await hub.Http.GetAsync("/health/ready")).IsSuccessStatusCode, "ready again", TimeSpan.FromSeconds(30));
                restarted += " ready " + DateTime.UtcNow.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);
            }
            try
            {
                var sent = await alice.SendAsync(bobId, $"m{i}", clientMsgId: $"m{i}");
                accepted.Add(sent);
                // Read your writes, also right after the outage while the consumer is still catching up.
                var sentAt = DateTime.UtcNow.ToString("HH:mm:ss.fff", System.Globalization.CultureInfo.InvariantCulture);
                await hub.ExplainFailureAsync($"the sync right after send {i} (accepted at {sentAt}, brokers back {restarted})", async () =>
                {
                    var page = await alice.Client.SyncAsync(sent.ChatId, sent.Seq - 1, 10);
                    Assert.Contains(page.Messages, m => m.MsgId == sent.MsgId);
                    return page;
                });
            }
            catch (ImServerException ex)
            {
                Assert.Equal("IM_LOG_UNAVAILABLE", ex.Code);
                Assert.True(ex.IsRetriable);
                failed++;
            }
        }

        Assert.True(failed >= 50, $"only {failed} sends failed while the brokers were down");
        Assert.True(accepted.Count >= 150, $"only {accepted.Count} accepted");
        List<ImMessage> stored = [];
        await Eventually.TrueAsync(async () => (stored = await SyncAllAsync(alice.Client, accepted[0].ChatId)).Count >= accepted.Count,
            "the consumer catches up", TimeSpan.FromSeconds(60));
        await Task.Delay(1000);
        stored = await SyncAllAsync(alice.Client, accepted[0].ChatId);
        Assert.Equal(accepted.Select(a => a.MsgId).Order(), stored.Select(m => m.MsgId).Order());
    }

    [Theory]
    [InlineData(BrokerFlavour.V5)]
    [InlineData(BrokerFlavour.V4_9)]
    public async Task OnAnAutoCreatedTopicASyncAndAReadAckRightAfterEachSendSeeTheMessageWhileTheConsumerLags(BrokerFlavour flavour)
    {
        var (mq, hub, topic) = await StartAsync(flavour, createTopic: false);
        await using var mqScope = mq;
        await using var hubScope = hub;
        foreach (var broker in mq.Brokers)
        {
            // Every pull that finds messages is answered 400 ms late: the store is behind the log.
            broker.PullReplyDelay = TimeSpan.FromMilliseconds(400);
        }
        var run = Guid.NewGuid().ToString("N")[..8];
        await using var alice = await RecordingClient.ConnectAsync(hub, $"alice-{run}");
        var bobId = $"bob-{run}";

        for (var i = 0; i < 10; i++)
        {
            // Bob is offline: no retry entry holds the message, so his ack must find it in the store.
            var sent = await alice.SendAsync(bobId, $"m{i}", clientMsgId: $"m{i}");
            var page = await alice.Client.SyncAsync(sent.ChatId, sent.Seq - 1, 10);
            Assert.Contains(page.Messages, m => m.MsgId == sent.MsgId);
            await using var bob = await RecordingClient.ConnectAsync(hub, bobId);
            var ack = await bob.Client.AckAsync([sent.MsgId], "Read");
            Assert.Equal(1, ack.Acked);
        }
        Assert.Contains(mq.Brokers, b => b.Topics.ContainsKey(topic));
    }

    [Fact]
    public async Task ARecallTravelsAsTheJavaWithdrawEventOnTheChatsQueueAndTheStoreEndsRecalled()
    {
        var (mq, hub, topic) = await StartAsync(BrokerFlavour.V5);
        await using var mqScope = mq;
        await using var hubScope = hub;
        var run = Guid.NewGuid().ToString("N")[..8];
        await using var alice = await RecordingClient.ConnectAsync(hub, $"alice-{run}");
        var bobId = $"bob-{run}";
        var sent = await alice.SendAsync(bobId, "take it back", clientMsgId: "r1");

        await alice.Client.RecallAsync(sent.MsgId);

        List<ImMessage> stored = [];
        await Eventually.TrueAsync(async () => (stored = await SyncAllAsync(alice.Client, sent.ChatId)) is [{ Recalled: true }],
            "the consumer applied the recall", TimeSpan.FromSeconds(30));
        Assert.Equal(("", sent.Seq), (stored[0].Content, stored[0].Seq));
        var records = mq.Brokers.SelectMany(b => b.Messages(topic).Select(r => (Broker: b.Name, Record: r))).ToList();
        var withdraw = Assert.Single(records, x => x.Record.Properties.GetValueOrDefault("TAGS") == "C2C_CLIENT_WITHDRAW_MSG");
        var send = Assert.Single(records, x => x.Record.Properties.GetValueOrDefault("TAGS") == "C2C_SEND_MSG");
        Assert.Equal((send.Broker, send.Record.QueueId), (withdraw.Broker, withdraw.Record.QueueId)); // after its send, in order
        using var body = JsonDocument.Parse(withdraw.Record.Body);
        Assert.Equal(40, body.RootElement.GetProperty("clusterEventType").GetInt32());
        using var data = JsonDocument.Parse(body.RootElement.GetProperty("data").GetString()!);
        Assert.Equal(sent.MsgId, data.RootElement.GetProperty("msgId").GetString());
        Assert.Equal(1, data.RootElement.GetProperty("withdrawFlag").GetInt32());
        Assert.Equal(bobId, data.RootElement.GetProperty("toUserId").GetString());
    }
}
