using ImSignalR.Domain.Ports;
using ImSignalR.IntegrationTests.Redis;
using ImSignalR.Redis.State;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace ImSignalR.IntegrationTests.ClusterState;

/// <summary>
/// SPEC §13 user_join / user_leave as the Redis presence scripts decide them, against real Redis (one server and the
/// 3-master Redis Cluster): each transition once cluster-wide, a dead node's users left once, a Redis that lost its
/// data re-registered without a storm.
/// </summary>
public abstract class RedisPresenceEventsContract<TFixture>(TFixture redis) : IClassFixture<TFixture>
    where TFixture : RedisPresenceFixture
{
    private RedisPresence Node((ConnectionMultiplexer Connection, RedisKeys Keys) node, string name, IPresenceEvents events, double leaseSeconds = 15) =>
        redis.Own(new RedisPresence(node.Connection, node.Keys, $"{name}-{Guid.NewGuid():N}"[..20], TimeSpan.FromSeconds(leaseSeconds), NullLogger.Instance, events));

    [Fact]
    public async Task TheFirstConnectionJoinsOnceAndTheLastCloseLeavesOnceAcrossNodes()
    {
        var nodes = await redis.NodesAsync(2);
        var events = new RecordingPresenceEvents();
        var one = Node(nodes[0], "one", events);
        var two = Node(nodes[1], "two", events);
        var user = Unique("alice");

        await one.AddConnectionAsync(user, "c1", default);
        Assert.Equal(PresenceEventKind.Joined, Assert.Single(events.For(user)).Kind);
        await two.AddConnectionAsync(user, "c2", default);
        await one.RemoveConnectionAsync(user, "c1", default);
        Assert.Single(events.For(user));

        await two.RemoveConnectionAsync(user, "c2", default);
        Assert.Equal([PresenceEventKind.Joined, PresenceEventKind.Left], events.For(user).Select(e => e.Kind));
        Assert.Equal(two.Instance, events.For(user)[1].NodeId);

        // And again: the marker is gone, so the next session announces itself.
        await two.AddConnectionAsync(user, "c3", default);
        Assert.Equal(2, events.Joins(user));
    }

    [Fact]
    public async Task TwoNodesConnectingAndClosingTheSameUserAtOnceAnnounceExactlyOneJoinAndOneLeave()
    {
        var nodes = await redis.NodesAsync(2);
        var events = new RecordingPresenceEvents();
        var one = Node(nodes[0], "one", events);
        var two = Node(nodes[1], "two", events);
        for (var round = 0; round < 25; round++)
        {
            var user = Unique("race");
            await Task.WhenAll(
                one.AddConnectionAsync(user, "a", default).AsTask(), one.AddConnectionAsync(user, "b", default).AsTask(),
                two.AddConnectionAsync(user, "c", default).AsTask(), two.AddConnectionAsync(user, "d", default).AsTask());
            Assert.Equal(1, events.Joins(user));
            await Task.WhenAll(
                one.RemoveConnectionAsync(user, "a", default).AsTask(), one.RemoveConnectionAsync(user, "b", default).AsTask(),
                two.RemoveConnectionAsync(user, "c", default).AsTask(), two.RemoveConnectionAsync(user, "d", default).AsTask());
            Assert.Equal(1, events.Leaves(user));
        }
    }

    [Fact]
    public async Task ARoutineRefreshThatRewritesAnEntryJustClosedDoesNotSwallowTheNextJoin()
    {
        var nodes = await redis.NodesAsync(2);
        var events = new RecordingPresenceEvents();
        var one = Node(nodes[0], "one", events, leaseSeconds: 60);
        var two = Node(nodes[1], "two", events, leaseSeconds: 60);
        var user = Unique("u");
        await one.AddConnectionAsync(user, "c1", default);
        // As if c1's close ran its script (leave announced, keys gone) while the refresh below was already under way.
        await nodes[0].Connection.GetDatabase().KeyDeleteAsync(nodes[0].Keys.PresenceJoined(user));
        await nodes[0].Connection.GetDatabase().KeyDeleteAsync(nodes[0].Keys.PresenceUser(user));

        await one.RefreshAsync(default);
        await two.AddConnectionAsync(user, "c2", default);

        Assert.Equal(2, events.Joins(user));
    }

    [Fact]
    public async Task ADeadNodesUsersAreReapedOnceAndOnlyThoseWithNoOtherConnectionLeave()
    {
        var nodes = await redis.NodesAsync(3);
        var events = new RecordingPresenceEvents();
        var dying = Node(nodes[0], "dying", events, leaseSeconds: 1);
        // Two survivors, both reaping: the claim and the marker make it one leave per user.
        // Survivors with a longer lease: a loaded test machine must not stall them past it (they would be reaped too).
        Node(nodes[1], "alive1", events, leaseSeconds: 3);
        var alive = Node(nodes[2], "alive2", events, leaseSeconds: 3);
        var gone = Unique("gone");
        var stays = Unique("stays");
        await dying.AddConnectionAsync(gone, "g1", default);
        await dying.AddConnectionAsync(gone, "g2", default);
        await dying.AddConnectionAsync(stays, "s1", default);
        await alive.AddConnectionAsync(stays, "s2", default);
        var dead = dying.Instance;

        await dying.SimulateCrashAsync();

        await Eventually.TrueAsync(() => events.Leaves(gone) == 1, "the dead node's user left", timeoutMs: 10_000);
        var leave = events.For(gone).Single(e => e.Kind != PresenceEventKind.Joined);
        Assert.Equal(PresenceEventKind.NodeDied, leave.Kind);
        Assert.Equal(dead, leave.NodeId);
        await Task.Delay(2500); // several more refreshes of both survivors
        Assert.Equal(1, events.Leaves(gone));
        Assert.Equal(0, events.Leaves(stays));
        Assert.Equal(1, await alive.CountConnectionsAsync(stays, default));
        Assert.False(await nodes[1].Connection.GetDatabase().KeyExistsAsync(nodes[1].Keys.PresenceNodeUsers(dead)), "the dead node's index is gone");
    }

    [Fact]
    public async Task AUserWhoReconnectedElsewhereBeforeTheReapGetsNeitherLeaveNorSecondJoin()
    {
        var nodes = await redis.NodesAsync(2);
        var events = new RecordingPresenceEvents();
        var dying = Node(nodes[0], "dying", events, leaseSeconds: 1);
        var user = Unique("phone");
        await dying.AddConnectionAsync(user, "old", default);
        await dying.SimulateCrashAsync();
        var alive = Node(nodes[1], "alive", events, leaseSeconds: 3);
        await alive.AddConnectionAsync(user, "new", default); // the client's reconnect, before the lease ran out

        await Eventually.TrueAsync(async () => !await nodes[1].Connection.GetDatabase().KeyExistsAsync(nodes[1].Keys.PresenceNodeUsers(dying.Instance)),
            "the dead node was reaped");

        Assert.Equal([PresenceEventKind.Joined], events.For(user).Select(e => e.Kind));
        Assert.Equal(1, await alive.CountConnectionsAsync(user, default));
    }

    [Fact]
    public async Task ReRegisteringAfterRedisLostItsDataAnnouncesNothingAndTheLaterLeaveStillComes()
    {
        var node = (await redis.NodesAsync(1))[0];
        var events = new RecordingPresenceEvents();
        var presence = Node(node, "n", events, leaseSeconds: 3);
        var users = Enumerable.Range(0, 50).Select(i => Unique($"u{i}")).ToArray();
        foreach (var user in users)
        {
            await presence.AddConnectionAsync(user, "c-" + user, default);
        }
        Assert.All(users, u => Assert.Equal(1, events.Joins(u)));

        // What a Redis restart without persistence does: every key of the deployment is gone, registry included.
        var db = node.Connection.GetDatabase();
        foreach (var user in users)
        {
            await db.KeyDeleteAsync([node.Keys.PresenceUser(user), node.Keys.PresenceJoined(user)]);
        }
        await db.KeyDeleteAsync([node.Keys.PresenceNodes, node.Keys.PresenceNodesReaping]);
        await db.KeyDeleteAsync(node.Keys.PresenceNodeUsers(presence.Instance));
        var instance = presence.Instance;
        await DropInteractiveConnectionsAsync(node.Connection);
        await Eventually.TrueAsync(async () => await presence.CountConnectionsAsync(users[^1], default) == 1, "the node re-registered its connections");
        await presence.BeatAndReapAsync(default); // the registry beat after the loss: not "taken for dead"

        Assert.All(users, u => Assert.Equal(1, events.Joins(u)));
        Assert.All(users, u => Assert.Equal(0, events.Leaves(u)));
        Assert.Equal(instance, presence.Instance);
        // The marker came back silently, so the eventual close is announced.
        await Eventually.TrueAsync(() => !presence.IsReRegistering, "the re-registration window closed");
        await presence.RemoveConnectionAsync(users[0], "c-" + users[0], default);
        Assert.Equal(1, events.Leaves(users[0]));
    }

    [Fact]
    public async Task ANodeTakenForDeadAfterAStallComesBackAsANewInstanceAndAnnouncesTheJoinsTheReaperUndid()
    {
        var nodes = await redis.NodesAsync(2);
        var events = new RecordingPresenceEvents();
        // Long leases: the refresh loops stay out of the way; the test drives beats and reaps itself.
        var stalled = Node(nodes[0], "stalled", events, leaseSeconds: 60);
        var survivor = Node(nodes[1], "survivor", events, leaseSeconds: 60);
        var user = Unique("u");
        await stalled.AddConnectionAsync(user, "c1", default);
        await stalled.BeatAndReapAsync(default);
        var before = stalled.Instance;
        // Its lease ran out while it stalled.
        await nodes[0].Connection.GetDatabase().SortedSetAddAsync(nodes[0].Keys.PresenceNodes, before, 0);

        await survivor.BeatAndReapAsync(default);
        // The survivor's own loop may be the one that claimed it: wait for the reap, whoever runs it.
        await Eventually.TrueAsync(() => events.Leaves(user) == 1, "the stalled node was reaped");
        Assert.Equal([PresenceEventKind.Joined, PresenceEventKind.NodeDied], events.For(user).Select(e => e.Kind));
        Assert.Equal(0, await survivor.CountConnectionsAsync(user, default));

        await stalled.BeatAndReapAsync(default);
        Assert.NotEqual(before, stalled.Instance);
        Assert.Equal([PresenceEventKind.Joined, PresenceEventKind.NodeDied, PresenceEventKind.Joined], events.For(user).Select(e => e.Kind));
        Assert.Equal(1, await survivor.CountConnectionsAsync(user, default));
        var listed = Assert.Single(await survivor.ListConnectionsAsync(user, 10, default));
        Assert.Equal(stalled.Instance, listed.NodeId);
    }

    [Fact]
    public async Task TheListingShowsEveryNodesLiveConnectionsWithTheirDetails()
    {
        var nodes = await redis.NodesAsync(2);
        var events = new RecordingPresenceEvents();
        var one = Node(nodes[0], "one", events);
        var two = Node(nodes[1], "two", events);
        var user = Unique("u");
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        await one.AddConnectionAsync(user, "c1", "WebSockets", "json", default);
        await two.AddConnectionAsync(user, "c2", "LongPolling", null, default);

        var list = await one.ListConnectionsAsync(user, 10, default);

        Assert.Equal(["c1", "c2"], list.Select(c => c.ConnectionId).Order());
        var c1 = list.Single(c => c.ConnectionId == "c1");
        Assert.Equal((one.Instance, "WebSockets", "json"), (c1.NodeId, c1.Transport, c1.Protocol));
        Assert.InRange(c1.ConnectedAt, before - 1000, before + 10_000);
        var c2 = list.Single(c => c.ConnectionId == "c2");
        Assert.Equal((two.Instance, "LongPolling", (string?)null), (c2.NodeId, c2.Transport, c2.Protocol));
        Assert.Single(await one.ListConnectionsAsync(user, 1, default));
        // An entry in the format written before the listing existed still parses.
        Assert.Equal(new ImSignalR.Domain.Ports.PresenceConnection("old", "node-x", 0, null, null), RedisPresence.ParseEntry("old", "1700000000000 node-x"));
    }

    private static async Task DropInteractiveConnectionsAsync(ConnectionMultiplexer connection)
    {
        foreach (var endpoint in connection.GetEndPoints())
        {
            var server = connection.GetServer(endpoint);
            if (!server.IsConnected)
            {
                continue;
            }
            var id = (long)await server.ExecuteAsync("CLIENT", "ID");
            try
            {
                await server.ExecuteAsync("CLIENT", "KILL", "ID", id, "SKIPME", "no");
            }
            catch (RedisConnectionException)
            {
                // The reply may be lost with the connection it closed.
            }
        }
    }

    private static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";
}

public sealed class RedisPresenceEventsTests(RedisPresenceFixture f) : RedisPresenceEventsContract<RedisPresenceFixture>(f);

public sealed class RedisClusterPresenceEventsTests(RedisClusterPresenceFixture f) : RedisPresenceEventsContract<RedisClusterPresenceFixture>(f);
