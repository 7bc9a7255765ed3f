using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using ImSignalR.Client;
using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests.Cluster;

/// <summary>SPEC §12 admin: a user's connections listed and closed on every node; im:admin required.</summary>
[Collection(ClusterCollection.Name)]
public sealed class AdminConnectionsTests
{
    [Fact]
    public Task AnAdminListsAUsersConnectionsOnBothNodesAndDisconnectsThemAllWhileOthersStay() =>
        ListAndDisconnectAsync(ClusterRedis.PrivateServer);

    /// <summary>The same on the 3-master Redis Cluster: the presence scripts keep to one slot, pub/sub reaches every node.</summary>
    [Fact]
    public Task OnARedisClusterTheListingAndTheDisconnectReachBothNodes() =>
        ListAndDisconnectAsync(ClusterRedis.SharedCluster);

    private static async Task ListAndDisconnectAsync(ClusterRedis redis)
    {
        await using var cluster = await ClusterFixture.StartAsync(nodes: 2, redis: redis);
        var (node1, node2) = (cluster.Nodes[0], cluster.Nodes[1]);
        var alice = HubFixture.NewUser("alice");
        var bob = HubFixture.NewUser("bob");
        await using var phone = await RecordingClient.ConnectAsync(node1, alice);
        await using var tablet = await RecordingClient.ConnectAsync(node2, alice);
        await using var bobClient = await RecordingClient.ConnectAsync(node1, bob);
        var lost = new ConcurrentBag<string>();
        phone.Client.StateChanged += s => { if (s.Current != ImConnectionState.Connected) { lost.Add("phone"); } };
        tablet.Client.StateChanged += s => { if (s.Current != ImConnectionState.Connected) { lost.Add("tablet"); } };
        bobClient.Client.StateChanged += s => { if (s.Current != ImConnectionState.Connected) { lost.Add("bob"); } };

        var admin = await node2.TokenAsync("ops-admin", "im:admin");
        var notAdmin = await node2.TokenAsync(bob);

        var (status, body) = await CallAsync(node2, HttpMethod.Get, $"/api/admin/users/{alice}/connections", notAdmin);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        Assert.Equal("IM_FORBIDDEN", body.GetProperty("code").GetString());
        (status, _) = await CallAsync(node2, HttpMethod.Post, $"/api/admin/users/{alice}/disconnect", notAdmin);
        Assert.Equal(HttpStatusCode.Forbidden, status);
        (status, body) = await CallAsync(node2, HttpMethod.Get, "/api/admin/users/bad%20id/connections", admin);
        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Equal("IM_INVALID_USER_ID", body.GetProperty("code").GetString());
        (status, _) = await CallAsync(node2, HttpMethod.Get, $"/api/admin/users/{alice}/connections", token: null);
        Assert.Equal(HttpStatusCode.Unauthorized, status);

        // SignalR answers the handshake before the hub's OnConnectedAsync registered the connection: poll.
        await Eventually.TrueAsync(async () =>
        {
            (status, body) = await CallAsync(node2, HttpMethod.Get, $"/api/admin/users/{alice}/connections", admin);
            return status == HttpStatusCode.OK && body.GetProperty("connections").GetArrayLength() == 2;
        }, "both connections are listed", TimeSpan.FromSeconds(10));
        var connections = body.GetProperty("connections").EnumerateArray().ToArray();
        Assert.Equal(2, connections.Length);
        Assert.Equal(2, connections.Select(c => c.GetProperty("nodeId").GetString()).Distinct().Count()); // one per node
        Assert.All(connections, c => Assert.Equal("WebSockets", c.GetProperty("transport").GetString()));
        Assert.All(connections, c => Assert.InRange(c.GetProperty("connectedAt").GetInt64(), DateTimeOffset.UtcNow.AddMinutes(-2).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() + 1000));
        var before = connections.Select(c => c.GetProperty("connectionId").GetString()).ToHashSet();

        (status, body) = await CallAsync(node1, HttpMethod.Post, $"/api/admin/users/{alice}/disconnect", admin);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(2, body.GetProperty("requested").GetInt32());

        // Both devices saw their connection close, on both nodes; bob on node 1 did not.
        await Eventually.TrueAsync(() => lost.Contains("phone") && lost.Contains("tablet"), "both of alice's connections closed", TimeSpan.FromSeconds(15));
        Assert.DoesNotContain("bob", lost);
        // A kick, not a ban: the SDK reconnects, with new connections.
        await Eventually.TrueAsync(() => phone.Client.State == ImConnectionState.Connected && tablet.Client.State == ImConnectionState.Connected,
            "alice's devices reconnected", TimeSpan.FromSeconds(30));
        await Eventually.TrueAsync(async () =>
        {
            var (_, now) = await CallAsync(node1, HttpMethod.Get, $"/api/admin/users/{alice}/connections", admin);
            var ids = now.GetProperty("connections").EnumerateArray().Select(c => c.GetProperty("connectionId").GetString()).ToArray();
            return ids.Length == 2 && !ids.Any(before.Contains);
        }, "the listing shows the two new connections only", TimeSpan.FromSeconds(30));
        Assert.Equal(ImConnectionState.Connected, bobClient.Client.State);
    }

    [Fact]
    public async Task TheEmbeddedNodeListsAndDisconnectsLocally()
    {
        await using var hub = await HubProcess.StartAsync();
        var alice = HubFixture.NewUser("alice");
        await using var phone = await RecordingClient.ConnectAsync(hub, alice);
        var closed = false;
        phone.Client.StateChanged += s => closed |= s.Current != ImConnectionState.Connected;
        var admin = await hub.TokenAsync("ops-admin", "im:admin");

        // SignalR answers the handshake before the hub's OnConnectedAsync registered the connection: poll.
        var (status, body) = (HttpStatusCode.OK, default(JsonElement));
        await Eventually.TrueAsync(async () =>
        {
            (status, body) = await CallAsync(hub, HttpMethod.Get, $"/api/admin/users/{alice}/connections", admin);
            return status == HttpStatusCode.OK && body.GetProperty("connections").GetArrayLength() == 1;
        }, "the connection is listed", TimeSpan.FromSeconds(10));
        Assert.Equal("embedded", body.GetProperty("connections")[0].GetProperty("nodeId").GetString());
        (status, body) = await CallAsync(hub, HttpMethod.Post, $"/api/admin/users/{alice}/disconnect", admin);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal(1, body.GetProperty("requested").GetInt32());
        await Eventually.TrueAsync(() => closed, "the connection closed", TimeSpan.FromSeconds(15));
        (status, body) = await CallAsync(hub, HttpMethod.Post, $"/api/admin/users/{HubFixture.NewUser("nobody")}/disconnect", admin);
        Assert.Equal(0, body.GetProperty("requested").GetInt32());
    }

    private static async Task<(HttpStatusCode Status, JsonElement Body)> CallAsync(HubProcess node, HttpMethod method, string path, string? token)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await node.Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? default : JsonDocument.Parse(text).RootElement.Clone());
    }
}
