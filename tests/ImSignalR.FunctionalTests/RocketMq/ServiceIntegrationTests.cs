using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using ImSignalR.FunctionalTests.Cluster;
using ImSignalR.FunctionalTests.Infrastructure;
using ImSignalR.IntegrationTests.RocketMq.Double;
using ImSignalR.RocketMq.Consumer;
using ImSignalR.RocketMq.Producer;
using ImSignalR.RocketMq;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImSignalR.FunctionalTests.RocketMq;

/// <summary>
/// SPEC §13 request/response end to end: a hub process serves the request topic; this test process is the
/// backend service, sending requests and reading responses over the same NameServer+Broker double.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class ServiceIntegrationTests
{
    private static Task<HubProcess> StartHubAsync(RocketMqDouble mq, string run, string requests, string responses, string eventsTopic)
    {
        var mysql = Environment.GetEnvironmentVariable("IM_TEST_MYSQL")
            ?? throw new InvalidOperationException("IM_TEST_MYSQL is not set: run ./scripts/test.sh.");
        return HubProcess.StartAsync(new Dictionary<string, string>
        {
            ["Im__RocketMq__NameServer"] = mq.NameServerAddress,
            ["Im__RocketMq__Topic"] = "IM_E2E_" + run,
            ["Im__RocketMq__ConsumerGroup"] = "g_" + run,
            ["Im__RocketMq__PullSuspendTimeout"] = "00:00:01",
            ["Im__RocketMq__RebalanceInterval"] = "00:00:01",
            ["Im__RocketMq__HeartbeatInterval"] = "00:00:01",
            ["Im__RocketMq__Service__Enabled"] = "true",
            ["Im__RocketMq__Service__RequestTopic"] = requests,
            ["Im__RocketMq__Service__ResponseTopic"] = responses,
            ["Im__RocketMq__Service__EventTopic"] = eventsTopic,
            ["Im__RocketMq__Service__Group"] = "chat_server_" + run,
            ["Im__Store__Provider"] = "MySql",
            ["Im__Store__ConnectionString"] = mysql,
            ["Im__Auth__SigningKey"] = ClusterFixture.SigningKey,
            ["Im__Auth__DevTokens"] = "true",
        });
    }

    [Fact]
    public async Task TheSampleServiceClientSendsARequestAndPrintsItsResponse()
    {
        await using var mq = RocketMqDouble.Start();
        var run = Guid.NewGuid().ToString("N")[..10];
        // The sample uses the default topic names, as a backend service would, created up front as an operator
        // would (auto-creation is covered above; here it would only eat into the sample's 10 s answer timeout).
        var defaults = new RocketMqServiceOptions();
        foreach (var topic in new[] { defaults.RequestTopic, defaults.ResponseTopic, defaults.EventTopic })
        {
            mq.CreateTopic(topic, queuesPerBroker: 4);
        }
        await using var hub = await StartHubAsync(mq, run, defaults.RequestTopic, defaults.ResponseTopic, defaults.EventTopic);

        var (code, output) = await RunSampleAsync(mq, $"svc-{run}", "send", $"bob-{run}", "hello from the sample");
        Assert.True(code == 0, output);
        using var response = JsonDocument.Parse(output);
        Assert.True(response.RootElement.GetProperty("success").GetBoolean());
        var chatId = response.RootElement.GetProperty("data").GetProperty("chat_id").GetString()!;

        (code, output) = await RunSampleAsync(mq, $"svc-{run}", "history", chatId);
        Assert.True(code == 0, output);
        Assert.Contains("hello from the sample", output, StringComparison.Ordinal);

        (code, output) = await RunSampleAsync(mq, $"svc-{run}", "history", $"c2c:x-{run}:y-{run}");
        Assert.Equal(1, code);
        Assert.Contains("IM_FORBIDDEN", output, StringComparison.Ordinal);

        // send-group reaches the hub's SendGroup: a group that does not exist is refused with its code, and a
        // group id that is not a number never leaves the sample.
        (code, output) = await RunSampleAsync(mq, $"svc-{run}", "send-group", "987654321987", "hello, group");
        Assert.Equal(1, code);
        Assert.True(output.Contains("IM_NOT_FOUND", StringComparison.Ordinal), output);
        (code, output) = await RunSampleAsync(mq, $"svc-{run}", "send-group", "grp:1", "hello, group");
        Assert.Equal(2, code);
        Assert.Contains("group_id must be a positive number", output, StringComparison.Ordinal);
    }

    private static async Task<(int Code, string Output)> RunSampleAsync(RocketMqDouble mq, string userId, params string[] args)
    {
        // src/Hub/bin/{Configuration}/net10.0/ImSignalR.Hub.dll → the repository root, five levels up.
        var root = Path.GetFullPath(Path.Combine(Path.GetDirectoryName(HubBinary.Path)!, "..", "..", "..", "..", ".."));
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var dll = Path.Combine(root, "samples", "ServiceClient", "bin", configuration, "net10.0", "ImSignalR.Samples.ServiceClient.dll");
        Assert.True(File.Exists(dll), "the sample is built by the project reference: " + dll);
        var start = new System.Diagnostics.ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        start.ArgumentList.Add(dll);
        foreach (var a in args)
        {
            start.ArgumentList.Add(a);
        }
        start.Environment["ROCKETMQ_NAMESERVER"] = mq.NameServerAddress;
        start.Environment["ROCKETMQ_GROUP"] = "chat_client_group";
        start.Environment["USER_ID"] = userId;
        using var process = System.Diagnostics.Process.Start(start)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await process.WaitForExitAsync(timeout.Token);
        return (process.ExitCode, await stdout + await stderr);
    }

    [Fact]
    public async Task RequestsAreAnsweredOnceEachIncludingARedeliveredAnExpiredAndAMalformedOne()
    {
        await using var mq = RocketMqDouble.Start(brokers: 2);
        var run = Guid.NewGuid().ToString("N")[..10];
        var (requests, responses, eventsTopic) = ($"REQ_{run}", $"RESP_{run}", $"EVT_{run}");
        await using var hub = await StartHubAsync(mq, run, requests, responses, eventsTopic);
        var options = new RocketMqOptions
        {
            NameServer = mq.NameServerAddress,
            Topic = responses,
            ProducerGroup = "chat_client_" + run,
            PullSuspendTimeout = TimeSpan.FromSeconds(1),
            RebalanceInterval = TimeSpan.FromSeconds(1),
            HeartbeatInterval = TimeSpan.FromSeconds(1),
        };
        var answers = new ConcurrentDictionary<string, ConcurrentQueue<(string Type, JsonElement Body)>>();
        await using var consumer = new RocketMqPushConsumer(options, responses, "chat_client_" + run, (_, messages, _) =>
        {
            foreach (var m in messages)
            {
                var body = JsonDocument.Parse(m.Body).RootElement.Clone();
                answers.GetOrAdd(m.Properties["request_id"], _ => new()).Enqueue((m.Properties["response_type"], body));
            }
            return Task.CompletedTask;
        }, NullLogger.Instance);
        await consumer.StartAsync(CancellationToken.None);
        var events = new ConcurrentQueue<(IReadOnlyDictionary<string, string> Properties, JsonElement Body)>();
        await using var eventConsumer = new RocketMqPushConsumer(options, eventsTopic, "chat_events_" + run, (_, messages, _) =>
        {
            foreach (var m in messages)
            {
                events.Enqueue((m.Properties, JsonDocument.Parse(m.Body).RootElement.Clone()));
            }
            return Task.CompletedTask;
        }, NullLogger.Instance);
        await eventConsumer.StartAsync(CancellationToken.None);
        await using var producer = new RocketMqProducer(options, NullLogger<RocketMqProducer>.Instance);

        var alice = $"alice-{run}";
        var bob = $"bob-{run}";
        async Task Request(string id, string action, object data, long? born = null, string? rawBody = null)
        {
            var body = rawBody ?? JsonSerializer.Serialize(new { request_id = id, user_id = alice, action, data });
            await producer.SendAsync(new OutgoingMessage(requests, Encoding.UTF8.GetBytes(body), action, id, id,
                [new("request_id", id), new("user_id", alice), new("action", action)], born), CancellationToken.None);
        }
        async Task<(string Type, JsonElement Body)> Answer(string id)
        {
            // The queue is added before its first answer: wait for the answer itself.
            await Eventually.TrueAsync(() => answers.TryGetValue(id, out var q) && !q.IsEmpty, $"an answer to {id}", TimeSpan.FromSeconds(30));
            return answers[id].First();
        }

        await Request("send-1", "send_message", new { to_user_id = bob, message = "from the backend" });
        var sent = await Answer("send-1");
        Assert.Equal("send_message", sent.Type);
        Assert.True(sent.Body.GetProperty("success").GetBoolean(), sent.Body.ToString());
        var messageId = sent.Body.GetProperty("data").GetProperty("message_id").GetString();
        var chatId = sent.Body.GetProperty("data").GetProperty("chat_id").GetString();

        // The backend resends the same request (its own retry, or a redelivery): answered again, run once.
        await Request("send-1", "send_message", new { to_user_id = bob, message = "from the backend" });
        await Eventually.TrueAsync(() => answers["send-1"].Count == 2, "the repeated answer", TimeSpan.FromSeconds(30));
        Assert.Equal(sent.Body.ToString(), answers["send-1"].Last().Body.ToString());

        await Request("old-1", "send_message", new { to_user_id = bob, message = "too late" }, born: DateTimeOffset.UtcNow.AddSeconds(-60).ToUnixTimeMilliseconds());
        var expired = await Answer("old-1");
        Assert.Equal("expired", expired.Type);
        Assert.Equal("IM_REQUEST_EXPIRED", expired.Body.GetProperty("error").GetProperty("code").GetString());

        await Request("bad-1", "send_message", new { }, rawBody: "{\"request_id\":\"bad-1\",\"user_id\":");
        var bad = await Answer("bad-1");
        Assert.Equal("IM_INVALID_ARGUMENT", bad.Body.GetProperty("error").GetProperty("code").GetString());

        await Request("hist-1", "get_history", new { chat_id = chatId, limit = 10 });
        var history = await Answer("hist-1");
        Assert.True(history.Body.GetProperty("success").GetBoolean(), history.Body.ToString());
        var messages = history.Body.GetProperty("data").GetProperty("messages").EnumerateArray().ToList();
        Assert.Equal(messageId, Assert.Single(messages).GetProperty("msgId").GetString());

        await Request("hist-2", "get_history", new { chat_id = $"c2c:{bob}:zed-{run}" });
        Assert.Equal("IM_FORBIDDEN", (await Answer("hist-2")).Body.GetProperty("error").GetProperty("code").GetString());

        // Bob sees exactly one message, the one the backend sent as alice.
        await using var bobClient = await RecordingClient.ConnectAsync(hub, bob);
        var page = await bobClient.Client.SyncAsync(chatId, 0, 10);
        Assert.Equal(messageId, Assert.Single(page.Messages).MsgId);

        // Every accepted message is published as message_sent once it is durable, without its content by default.
        // The topic carries the users' join/leave events too (bob just connected): only message events have a msg_id.
        bool IsSentOfMessage(JsonElement e) =>
            e.GetProperty("data").TryGetProperty("msg_id", out var id) && id.GetString() == messageId;
        await Eventually.TrueAsync(() => events.Any(e => IsSentOfMessage(e.Body)),
            "message_sent for the backend's message", TimeSpan.FromSeconds(30));
        var (properties, body) = events.First(e => IsSentOfMessage(e.Body));
        Assert.Equal("message_sent", properties["event_type"]);
        Assert.Equal(alice, properties["user_id"]);
        Assert.Equal("message_sent", body.GetProperty("type").GetString());
        Assert.Equal("", body.GetProperty("message").GetString());
        Assert.Equal(bob, body.GetProperty("data").GetProperty("to_user_id").GetString());
        Assert.EndsWith("Z", body.GetProperty("timestamp").GetString());

        // The three RocketMQ metric families, with their bounded labels.
        string metrics = "";
        await Eventually.TrueAsync(async () => (metrics = await hub.Http.GetStringAsync("/metrics")).Contains("im_service_events_total", StringComparison.Ordinal),
            "the events counter is exported", TimeSpan.FromSeconds(30));
        var requestLines = string.Join('\n', metrics.Split('\n').Where(l => l.StartsWith("im_service_requests_total", StringComparison.Ordinal)));
        Assert.True(requestLines.Contains("action=\"send_message\"", StringComparison.Ordinal) && requestLines.Contains("outcome=\"ok\"", StringComparison.Ordinal), requestLines);
        Assert.Contains("outcome=\"repeated\"", requestLines, StringComparison.Ordinal);
        Assert.Contains("outcome=\"expired\"", requestLines, StringComparison.Ordinal);
        Assert.Contains("im_rocketmq_consumer_lag{", metrics, StringComparison.Ordinal);
        await consumer.StopAsync(CancellationToken.None);
        await eventConsumer.StopAsync(CancellationToken.None);
    }
}
