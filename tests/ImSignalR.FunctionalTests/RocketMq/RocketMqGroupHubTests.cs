using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using ImSignalR.Contracts;
using ImSignalR.FunctionalTests.Cluster;
using ImSignalR.FunctionalTests.Groups;
using ImSignalR.FunctionalTests.Infrastructure;
using ImSignalR.IntegrationTests.RocketMq.Double;
using ImSignalR.RocketMq.Consumer;
using ImSignalR.RocketMq.Producer;
using ImSignalR.RocketMq;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImSignalR.FunctionalTests.RocketMq;

/// <summary>
/// Issue 16's RocketMQ part (SPEC §10, §13) on a real hub process in RocketMQ mode: group events on the group topic,
/// applied by the hub's persistence consumer into MariaDB, with official SignalR and SDK clients; group_changed and
/// group message_sent events; send_message with group_id through the service request topic.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class RocketMqGroupHubTests
{
    private sealed record Topics(string C2C, string Group, string Requests, string Responses, string Events);

    private static async Task<HubProcess> StartHubAsync(RocketMqDouble mq, string run, Topics topics)
    {
        var mysql = Environment.GetEnvironmentVariable("IM_TEST_MYSQL")
            ?? throw new InvalidOperationException("IM_TEST_MYSQL is not set: run ./scripts/test.sh.");
        foreach (var topic in new[] { topics.C2C, topics.Group, topics.Requests, topics.Responses, topics.Events })
        {
            mq.CreateTopic(topic, queuesPerBroker: 4);
        }
        return await HubProcess.StartAsync(new Dictionary<string, string>
        {
            ["Im__RocketMq__NameServer"] = mq.NameServerAddress,
            ["Im__RocketMq__Topic"] = topics.C2C,
            ["Im__RocketMq__GroupTopic"] = topics.Group,
            ["Im__RocketMq__ConsumerGroup"] = "g_" + run,
            ["Im__RocketMq__GroupConsumerGroup"] = "gg_" + run,
            ["Im__RocketMq__PullSuspendTimeout"] = "00:00:01",
            ["Im__RocketMq__RebalanceInterval"] = "00:00:01",
            ["Im__RocketMq__HeartbeatInterval"] = "00:00:01",
            ["Im__RocketMq__SendTimeout"] = "00:00:02",
            ["Im__RocketMq__RequestTimeout"] = "00:00:02",
            ["Im__RocketMq__ConnectTimeout"] = "00:00:01",
            // A loaded CI machine's consumer can take seconds to pull; the test checks the wait, not its speed.
            ["Im__RocketMq__GroupApplyTimeout"] = "00:00:15",
            ["Im__RocketMq__Service__Enabled"] = "true",
            ["Im__RocketMq__Service__RequestTopic"] = topics.Requests,
            ["Im__RocketMq__Service__ResponseTopic"] = topics.Responses,
            ["Im__RocketMq__Service__EventTopic"] = topics.Events,
            ["Im__RocketMq__Service__Group"] = "chat_server_" + run,
            ["Im__Store__Provider"] = "MySql",
            ["Im__Store__ConnectionString"] = mysql,
            ["Im__Auth__SigningKey"] = ClusterFixture.SigningKey,
            ["Im__Auth__DevTokens"] = "true",
            ["Im__Limits__SendsPerSecond"] = "100000",
            ["Im__Limits__SendBurst"] = "100000",
            ["Logging__LogLevel__ImSignalR.RocketMq.Producer"] = "Error",
        });
    }

    private static JsonElement Data(byte[] body) =>
        JsonDocument.Parse(JsonDocument.Parse(body).RootElement.GetProperty("data").GetString()!).RootElement.Clone();

    private static int TypeOf(byte[] body) => JsonDocument.Parse(body).RootElement.GetProperty("clusterEventType").GetInt32();

    [Fact]
    public async Task AGroupLivesOnTheGroupTopicAppliedOnceInOrderWithMembershipAtOnceAndItsServiceEvents()
    {
        await using var mq = RocketMqDouble.Start(brokers: 2);
        var run = Guid.NewGuid().ToString("N")[..10];
        var topics = new Topics($"C2C_{run}", $"GRP_{run}", $"REQ_{run}", $"RESP_{run}", $"EVT_{run}");
        await using var hub = await StartHubAsync(mq, run, topics);
        var options = new RocketMqOptions
        {
            NameServer = mq.NameServerAddress,
            ProducerGroup = "svc_" + run,
            PullSuspendTimeout = TimeSpan.FromSeconds(1),
            RebalanceInterval = TimeSpan.FromSeconds(1),
            HeartbeatInterval = TimeSpan.FromSeconds(1),
        };
        var events = new ConcurrentQueue<(IReadOnlyDictionary<string, string> Properties, JsonElement Body)>();
        await using var eventConsumer = new RocketMqPushConsumer(options, topics.Events, "svc_events_" + run, (_, messages, _) =>
        {
            foreach (var m in messages)
            {
                events.Enqueue((m.Properties, JsonDocument.Parse(m.Body).RootElement.Clone()));
            }
            return Task.CompletedTask;
        }, NullLogger.Instance);
        await eventConsumer.StartAsync(CancellationToken.None);
        var answers = new ConcurrentDictionary<string, JsonElement>();
        await using var responseConsumer = new RocketMqPushConsumer(options, topics.Responses, "svc_responses_" + run, (_, messages, _) =>
        {
            foreach (var m in messages)
            {
                answers[m.Properties["request_id"]] = JsonDocument.Parse(m.Body).RootElement.Clone();
            }
            return Task.CompletedTask;
        }, NullLogger.Instance);
        await responseConsumer.StartAsync(CancellationToken.None);
        await using var producer = new RocketMqProducer(options, NullLogger<RocketMqProducer>.Instance);

        var (aliceId, bobId, carolId) = ($"alice-{run}", $"bob-{run}", $"carol-{run}");
        await using var alice = await GroupClient.ConnectAsync(hub, aliceId);
        await using var carol = await GroupClient.ConnectAsync(hub, carolId, protocol: "messagepack");
        await using var bob = await RecordingClient.ConnectAsync(hub, bobId); // the .NET SDK
        var group = await alice.CreateAsync("rocket team", bobId, carolId);

        var sent = new List<(string MsgId, long Seq)>();
        for (var i = 0; i < 30; i++)
        {
            if (i % 2 == 0)
            {
                var r = await alice.SendAsync(group.GroupId, $"a{i}");
                sent.Add((r.MsgId, r.Seq));
                // Read your writes: the sender's sync right after SendGroup sees it.
                Assert.Contains((await alice.SyncAsync(group.ChatId, r.Seq - 1, 10)).Messages, m => m.MsgId == r.MsgId);
            }
            else
            {
                var r = await bob.Client.SendGroupTextAsync(group.GroupId, $"b{i}");
                sent.Add((r.MsgId, r.Seq));
                Assert.Contains((await bob.Client.SyncAsync(group.ChatId, r.Seq - 1, 10)).Messages, m => m.MsgId == r.MsgId);
            }
        }
        await Eventually.TrueAsync(() => sent.All(s => carol.Received.Any(m => m.MsgId == s.MsgId)), "carol's device gets all 30", TimeSpan.FromSeconds(30));
        await carol.ReadAsync(sent[^1].MsgId);

        // Every message stored once, in seq order, after the system message that created the group.
        var timeline = (await carol.SyncAsync(group.ChatId)).Messages;
        Assert.Equal(Enumerable.Range(1, 31).Select(s => (long)s), timeline.Select(m => m.Seq));
        Assert.Equal(sent.Select(s => s.MsgId), timeline.Skip(1).Select(m => m.MsgId));
        Assert.Equal(sent[^1].Seq, (await carol.ConversationsAsync()).Single(c => c.ChatId == group.ChatId).ReadSeq);

        // A removed member is refused at once, and sees her removal as the end of her window.
        Assert.Equal(1, (await alice.RemoveAsync(group.GroupId, carolId)).Removed);
        Assert.Equal("IM_FORBIDDEN", await GroupClient.RefusedAsync(() => carol.SendAsync(group.GroupId, "still here?")));
        Assert.Equal(202, (await carol.SyncAsync(group.ChatId)).Messages[^1].MsgFormat);

        // send_message with group_id through the service request topic, as bob.
        var request = JsonSerializer.Serialize(new { request_id = "grp-1", user_id = bobId, action = "send_message", data = new { group_id = group.GroupId, message = "from the backend" } });
        await producer.SendAsync(new OutgoingMessage(topics.Requests, Encoding.UTF8.GetBytes(request), "send_message", "grp-1", "grp-1",
            [new("request_id", "grp-1"), new("user_id", bobId), new("action", "send_message")]), CancellationToken.None);
        await Eventually.TrueAsync(() => answers.ContainsKey("grp-1"), "the answer to grp-1", TimeSpan.FromSeconds(30));
        var answer = answers["grp-1"];
        Assert.True(answer.GetProperty("success").GetBoolean(), answer.ToString());
        Assert.Equal(group.ChatId, answer.GetProperty("data").GetProperty("chat_id").GetString());
        var backendMsgId = answer.GetProperty("data").GetProperty("message_id").GetString()!;
        var fromBackend = (await alice.SyncAsync(group.ChatId, 31)).Messages.Single(m => m.MsgId == backendMsgId);
        Assert.Equal(bobId, fromBackend.FromUserId);

        // Alice recalls her first message: the row and seq stay, the content goes.
        await alice.Connection.InvokeAsync<RecallResult>(HubMethods.RecallMessage, new RecallRequest { MsgId = sent[0].MsgId });
        Assert.True((await alice.SyncAsync(group.ChatId, 1, 1)).Messages.Single().Recalled);

        // The group topic: created (150), 30 sends (110), carol's read (130), her removal (150), the backend's send (110),
        // the recall (140); one queue for the group; the C2C topic holds nothing (Java im-business sees nothing new).
        var records = mq.Brokers.SelectMany(b => b.Messages(topics.Group).Select(r => (Broker: b.Name, Record: r)))
            .OrderBy(x => x.Record.QueueOffset).ToList();
        Assert.Equal([150, .. Enumerable.Repeat(110, 30), 130, 150, 110, 140], records.Select(r => TypeOf(r.Record.Body)));
        Assert.Single(records.Select(r => (r.Broker, r.Record.QueueId)).Distinct());
        Assert.All(records, r => Assert.Equal(group.GroupId, Data(r.Record.Body).GetProperty("groupId").GetString()));
        Assert.Equal(0, mq.TotalMessages(topics.C2C));

        // Service events, from the consumer after the store applied them.
        bool Of(JsonElement e, string type) => e.GetProperty("type").GetString() == type && e.GetProperty("data").TryGetProperty("chat_id", out var c) && c.GetString() == group.ChatId;
        await Eventually.TrueAsync(() => events.Count(e => Of(e.Body, "message_sent")) >= 31 && events.Count(e => Of(e.Body, "group_changed")) >= 2
            && events.Any(e => Of(e.Body, "message_recalled")),
            "message_sent for the 31 messages, group_changed for the creation and the removal, message_recalled", TimeSpan.FromSeconds(30));
        var recalled = events.First(e => Of(e.Body, "message_recalled")).Body.GetProperty("data");
        Assert.Equal((sent[0].MsgId, group.GroupId, aliceId), (recalled.GetProperty("msg_id").GetString(), recalled.GetProperty("group_id").GetString(),
            recalled.GetProperty("from_user_id").GetString()));
        Assert.Equal(JsonValueKind.Null, recalled.GetProperty("to_user_id").ValueKind);
        var messageSent = events.Where(e => Of(e.Body, "message_sent")).Select(e => e.Body).ToList();
        Assert.Equal([.. sent.Select(s => s.MsgId), backendMsgId], messageSent.Select(e => e.GetProperty("data").GetProperty("msg_id").GetString()).Distinct());
        Assert.All(messageSent, e =>
        {
            Assert.Equal(group.GroupId, e.GetProperty("data").GetProperty("group_id").GetString());
            Assert.Equal(JsonValueKind.Null, e.GetProperty("data").GetProperty("to_user_id").ValueKind);
        });
        var changes = events.Where(e => Of(e.Body, "group_changed")).ToList();
        Assert.Equal(["created", "members_removed"], changes.Select(e => e.Body.GetProperty("data").GetProperty("kind").GetString()).Distinct());
        var removal = changes.First(e => e.Body.GetProperty("data").GetProperty("kind").GetString() == "members_removed");
        Assert.Equal("group_changed", removal.Properties["event_type"]);
        Assert.Equal(aliceId, removal.Properties["user_id"]);
        Assert.Equal([carolId], removal.Body.GetProperty("data").GetProperty("user_ids").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal(32, removal.Body.GetProperty("data").GetProperty("seq").GetInt64());

        // Redelivery: every group event of the topic produced again onto the group's queue changes nothing in MariaDB.
        async Task<string> SnapshotAsync() => string.Join('\n', (await alice.SyncAsync(group.ChatId)).Messages
            .Select(m => $"{m.Seq}/{m.MsgId}/{m.MsgFormat}/{m.Recalled}/{m.Content}"))
            + $"|{(await alice.MembersAsync(group.GroupId)).Members.Count}|{(await carol.ConversationsAsync()).SingleOrDefault(c => c.ChatId == group.ChatId)?.ReadSeq}";
        var before = await SnapshotAsync();
        foreach (var (_, record) in records)
        {
            await producer.SendAsync(new OutgoingMessage(topics.Group, record.Body, record.Tags, record.Properties["KEYS"], group.ChatId), CancellationToken.None);
        }
        var (broker, queueId) = (mq.Broker(records[0].Broker), records[0].Record.QueueId);
        Assert.Equal(2 * records.Count, broker.MaxOffset(topics.Group, queueId));
        await Eventually.TrueAsync(() => broker.CommittedOffset("gg_" + run, topics.Group, queueId) == 2 * records.Count,
            "the hub's consumer applied the redelivered events", TimeSpan.FromSeconds(30));
        Assert.Equal(before, await SnapshotAsync());
        Assert.Equal(33, (await alice.SyncAsync(group.ChatId)).Messages.Count); // created, 30 sends, the removal, the backend's send
        await eventConsumer.StopAsync(CancellationToken.None);
        await responseConsumer.StopAsync(CancellationToken.None);
    }
}
