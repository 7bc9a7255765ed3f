using System.Collections.Concurrent;
using System.Text.Json;
using ImSignalR.FunctionalTests.Infrastructure;
using ImSignalR.IntegrationTests.RocketMq.Double;
using ImSignalR.RocketMq.Consumer;
using ImSignalR.RocketMq;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImSignalR.FunctionalTests.Cluster;

/// <summary>
/// SPEC §13 user_join / user_leave end to end: two hub processes on Redis + MariaDB + the RocketMQ double, this
/// test process reading the event topic as a backend service would.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class PresenceEventsTests
{
    [Fact]
    public Task JoinAndLeaveAreAnnouncedOnceClusterWideIncludingWhenTheLastConnectionsNodeIsKilled() =>
        WithClusterAsync((cluster, events) => DevicesThenKillAsync(cluster.Nodes[0], cluster.Nodes[1], events));

    [Fact]
    public Task ARedisRestartedEmptyAnnouncesNoJoinOrLeaveForTheUsersStillConnected() =>
        WithClusterAsync(async (cluster, events) =>
        {
            var (node1, node2) = (cluster.Nodes[0], cluster.Nodes[1]);
            var users = Enumerable.Range(0, 10).Select(i => HubFixture.NewUser("u" + i)).ToArray();
            var clients = new List<RecordingClient>();
            for (var i = 0; i < users.Length; i++)
            {
                clients.Add(await RecordingClient.ConnectAsync(i % 2 == 0 ? node1 : node2, users[i]));
            }
            int Joins() => events.Count(e => users.Contains(e.User) && e.Type == "user_join");
            int Leaves() => events.Count(e => users.Contains(e.User) && e.Type == "user_leave");
            await Eventually.TrueAsync(() => Joins() == users.Length, "one user_join per user", TimeSpan.FromSeconds(30));

            cluster.Redis.Kill();
            await Task.Delay(1000);
            await cluster.Redis.StartAsync(); // empty: entries, joined markers and the node registry are gone
            await Eventually.TrueAsync(async () => await node1.ReadinessAsync() == "Healthy" && await node2.ReadinessAsync() == "Healthy",
                "both nodes reconnected to Redis", TimeSpan.FromSeconds(30));
            foreach (var user in users)
            {
                await WaitConnectionsAsync(node1, user, 1); // re-registered
            }
            // Past the re-registration window (a refresh period, 5 s) and a couple of refreshes and beats.
            await Task.Delay(TimeSpan.FromSeconds(12));
            Assert.Equal((users.Length, 0), (Joins(), Leaves()));

            // The markers came back with the re-registration, so a later close is still announced, once.
            await clients[0].DisposeAsync();
            await Eventually.TrueAsync(() => Leaves() == 1, "user_leave for the one who closed", TimeSpan.FromSeconds(30));
            await Task.Delay(TimeSpan.FromSeconds(2));
            Assert.Equal((users.Length, 1), (Joins(), Leaves()));
            foreach (var client in clients.Skip(1))
            {
                await client.DisposeAsync();
            }
        });

    [Fact]
    public Task AGracefullyStoppedNodeAnnouncesItsUsersLeavesBeforeItExits() =>
        WithClusterAsync(async (cluster, events) =>
        {
            var (node1, node2) = (cluster.Nodes[0], cluster.Nodes[1]);
            var users = Enumerable.Range(0, 5).Select(i => HubFixture.NewUser("s" + i)).ToArray();
            var clients = new List<RecordingClient>();
            foreach (var user in users)
            {
                clients.Add(await RecordingClient.ConnectAsync(node2, user));
            }
            int Count(string type) => events.Count(e => users.Contains(e.User) && e.Type == type);
            await Eventually.TrueAsync(() => Count("user_join") == users.Length, "the joins", TimeSpan.FromSeconds(30));
            foreach (var client in clients)
            {
                // The SDK would reconnect to the same port, which is gone; these users are leaving.
                await client.DisposeAsync();
            }
            // A client's dispose returns before its node has handled the close: reconnecting at once can beat the
            // close, and then the user never had zero connections (one join, no leave — right, but not this test).
            await Eventually.TrueAsync(() => Count("user_leave") == users.Length, "a leave per user", TimeSpan.FromSeconds(30));
            // Reconnect them so the stop itself, not the disposals above, closes their last connections.
            clients.Clear();
            foreach (var user in users)
            {
                clients.Add(await RecordingClient.ConnectAsync(node2, user));
            }
            await Eventually.TrueAsync(() => Count("user_join") == 2 * users.Length && Count("user_leave") == users.Length,
                "the second joins", TimeSpan.FromSeconds(30));

            await node2.StopAsync(); // SIGTERM: drain, close connections, presence cleanup, queue sent on disposal
            await Eventually.TrueAsync(() => Count("user_leave") == 2 * users.Length, "every user's leave, long before a lease would run out",
                TimeSpan.FromSeconds(10));
            Assert.DoesNotContain("presence events not sent", node2.Output, StringComparison.Ordinal);
            Assert.All(events.Where(e => users.Contains(e.User) && e.Type == "user_leave"),
                e => Assert.Equal("closed", e.Body.GetProperty("data").GetProperty("reason").GetString()));
            foreach (var client in clients)
            {
                await client.DisposeAsync();
            }
        });

    /// <summary>Two nodes on a private Redis with the RocketMQ double's event topic read by this process.</summary>
    private static async Task WithClusterAsync(Func<ClusterFixture, ConcurrentQueue<(string Type, string User, JsonElement Body)>, Task> scenario)
    {
        await using var mq = RocketMqDouble.Start();
        var run = Guid.NewGuid().ToString("N")[..10];
        var eventsTopic = $"EVT_{run}";
        mq.CreateTopic(eventsTopic, queuesPerBroker: 4);
        await using var cluster = await ClusterFixture.StartAsync(nodes: 2, extra: new Dictionary<string, string>
        {
            ["Im__RocketMq__NameServer"] = mq.NameServerAddress,
            ["Im__RocketMq__Topic"] = "IM_PRES_" + run,
            ["Im__RocketMq__ConsumerGroup"] = "g_" + run,
            ["Im__RocketMq__PullSuspendTimeout"] = "00:00:01",
            ["Im__RocketMq__RebalanceInterval"] = "00:00:01",
            ["Im__RocketMq__HeartbeatInterval"] = "00:00:01",
            ["Im__RocketMq__Service__Enabled"] = "true",
            ["Im__RocketMq__Service__RequestTopic"] = $"REQ_{run}",
            ["Im__RocketMq__Service__ResponseTopic"] = $"RESP_{run}",
            ["Im__RocketMq__Service__EventTopic"] = eventsTopic,
            ["Im__RocketMq__Service__Group"] = "chat_server_" + run,
        });
        var events = new ConcurrentQueue<(string Type, string User, JsonElement Body)>();
        var options = new RocketMqOptions
        {
            NameServer = mq.NameServerAddress,
            Topic = eventsTopic,
            PullSuspendTimeout = TimeSpan.FromSeconds(1),
            RebalanceInterval = TimeSpan.FromSeconds(1),
            HeartbeatInterval = TimeSpan.FromSeconds(1),
        };
        await using var consumer = new RocketMqPushConsumer(options, eventsTopic, "presence_watch_" + run, (_, messages, _) =>
        {
            foreach (var m in messages)
            {
                events.Enqueue((m.Properties["event_type"], m.Properties["user_id"], JsonDocument.Parse(m.Body).RootElement.Clone()));
            }
            return Task.CompletedTask;
        }, NullLogger.Instance);
        await consumer.StartAsync(CancellationToken.None);
        try
        {
            await scenario(cluster, events);
        }
        catch (Exception ex)
        {
            // What the service saw and what the nodes said about presence, so a CI failure explains itself.
            var output = string.Concat(cluster.Nodes.Select(n => n.Output));
            var log = string.Join('\n', output.Split('\n').Where(l => l.Contains("resence", StringComparison.Ordinal) || l.Contains("fail", StringComparison.OrdinalIgnoreCase)).TakeLast(40));
            var seen = string.Join('\n', events.Select(e => $"{e.Type} {e.User} {e.Body}"));
            throw new InvalidOperationException($"{ex.Message}\n--- events ---\n{seen}\n--- node logs ---\n{log}", ex);
        }
        await consumer.StopAsync(CancellationToken.None);
    }

    private static async Task WaitConnectionsAsync(HubProcess node, string userId, int count)
    {
        var admin = await node.TokenAsync("ops-admin", "im:admin");
        await Eventually.TrueAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, $"/api/admin/users/{userId}/connections");
            request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", admin);
            using var response = await node.Http.SendAsync(request);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return body.RootElement.GetProperty("connections").GetArrayLength() == count;
        }, $"{count} connections of {userId} listed", TimeSpan.FromSeconds(15));
    }

    private static async Task DevicesThenKillAsync(HubProcess node1, HubProcess node2, ConcurrentQueue<(string Type, string User, JsonElement Body)> events)
    {
        var alice = HubFixture.NewUser("alice");
        int Count(string type) => events.Count(e => e.User == alice && e.Type == type);

        var phone = await RecordingClient.ConnectAsync(node1, alice);
        await Eventually.TrueAsync(() => Count("user_join") == 1, "user_join for alice's first connection", TimeSpan.FromSeconds(30));
        var join = events.First(e => e.User == alice).Body;
        Assert.Equal("user_join", join.GetProperty("type").GetString());
        Assert.Equal(alice, join.GetProperty("user_id").GetString());

        var tablet = await RecordingClient.ConnectAsync(node2, alice);
        // SignalR answers the handshake before the hub registers the connection: wait until both count.
        await WaitConnectionsAsync(node1, alice, 2);
        await phone.DisposeAsync();
        await WaitConnectionsAsync(node1, alice, 1);
        await Task.Delay(TimeSpan.FromSeconds(1)); // room for a wrong leave to arrive
        // Nothing for the second device or for closing one of two; a leave for the last one.
        Assert.Equal((1, 0), (Count("user_join"), Count("user_leave")));
        await tablet.DisposeAsync();
        await Eventually.TrueAsync(() => Count("user_leave") == 1, "user_leave for alice's last connection", TimeSpan.FromSeconds(30));
        Assert.Equal(1, Count("user_join"));
        var leave = events.Last(e => e.User == alice && e.Type == "user_leave").Body;
        Assert.True(leave.GetProperty("data").TryGetProperty("reason", out var reason), leave.ToString());
        Assert.Equal("closed", reason.GetString());

        // Alice on node 2 only, and node 2 dies: a survivor reaps it within the lease TTL (15 s) plus a refresh.
        var onNode2 = await RecordingClient.ConnectAsync(node2, alice);
        await Eventually.TrueAsync(() => Count("user_join") == 2, "user_join for the new session", TimeSpan.FromSeconds(30));
        await WaitConnectionsAsync(node1, alice, 1);
        node2.Kill();
        var killed = DateTime.UtcNow;
        await Eventually.TrueAsync(() => Count("user_leave") == 2, "user_leave after node 2 died", TimeSpan.FromSeconds(45));
        Assert.True(DateTime.UtcNow - killed < TimeSpan.FromSeconds(15 + 5 + 10), $"announced {DateTime.UtcNow - killed} after the kill");
        var died = events.Last(e => e.User == alice && e.Type == "user_leave").Body;
        Assert.Equal("node_died", died.GetProperty("data").GetProperty("reason").GetString());

        // No stragglers: exactly two of each, a while later.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal((2, 2), (Count("user_join"), Count("user_leave")));
        await onNode2.DisposeAsync();

        // The events counter counts them by type.
        var metrics = await node1.Http.GetStringAsync("/metrics");
        Assert.Contains("im_service_events_total{", metrics, StringComparison.Ordinal);
        Assert.Contains("type=\"user_leave\"", metrics, StringComparison.Ordinal);
    }
}
