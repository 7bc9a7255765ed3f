using ImSignalR.IntegrationTests.Redis;
using ImSignalR.Redis.State;
using ImSignalR.Redis;
using Microsoft.Extensions.Logging.Abstractions;
using ImSignalR.Specification.ClusterState;

namespace ImSignalR.IntegrationTests.ClusterState;

/// <summary>The presence contract plus what only the Redis adapter promises (leases, expiry, re-registration).</summary>
public abstract class RedisPresenceContract<TFixture>(TFixture redis) : PresenceContract<TFixture>(redis)
    where TFixture : RedisPresenceFixture
{
    private readonly TFixture _redis = redis;

    [Fact]
    public async Task ConnectionsOfANodeThatDiesStopCountingWhenItsLeaseExpires()
    {
        var nodes = await _redis.NodesAsync(2);
        // Each entry carries its own node's lease, so the dying node's can be short (2 s) and the live node's long (8 s,
        // refreshed every 2.7 s): a loaded CI machine once stalled a 2 s live lease past its end (clean CI run 5), the
        // live node was reaped and counted 0 for a moment. What is tested is the dead lease running out, not the live one.
        var dying = new RedisPresence(nodes[0].Connection, nodes[0].Keys, "dying", TimeSpan.FromSeconds(2), NullLogger.Instance);
        var alive = _redis.Own(new RedisPresence(nodes[1].Connection, nodes[1].Keys, "alive", TimeSpan.FromSeconds(8), NullLogger.Instance));
        var user = Unique("u");
        await dying.AddConnectionAsync(user, "c-dying", default);
        await alive.AddConnectionAsync(user, "c-alive", default);
        Assert.Equal(2, await alive.CountConnectionsAsync(user, default));

        await dying.SimulateCrashAsync();

        // The alive node keeps its own entry fresh past several TTLs, the dead one's runs out.
        await Eventually.TrueAsync(async () => await alive.CountConnectionsAsync(user, default) == 1, "dead node's connection dropped");
        await Task.Delay(4500);
        Assert.Equal(1, await alive.CountConnectionsAsync(user, default));
    }

    [Fact]
    public async Task AUsersHashExpiresOnceNoLiveNodeRefreshesIt()
    {
        var nodes = await _redis.NodesAsync(2);
        var db = nodes[0].Connection.GetDatabase();
        var dying = new RedisPresence(nodes[0].Connection, nodes[0].Keys, "dying-ttl", TimeSpan.FromSeconds(1), NullLogger.Instance);
        var alive = _redis.Own(new RedisPresence(nodes[1].Connection, nodes[1].Keys, "alive-ttl", TimeSpan.FromSeconds(1), NullLogger.Instance));
        var gone = Unique("gone");
        var kept = Unique("kept");
        await dying.AddConnectionAsync(gone, "c-gone", default);
        await alive.AddConnectionAsync(kept, "c-kept", default);
        var ttl = await db.KeyTimeToLiveAsync(nodes[0].Keys.PresenceUser(gone));
        Assert.InRange(ttl!.Value.TotalMilliseconds, 1, 3000);

        await dying.SimulateCrashAsync();

        // Nobody counts the dead node's user again, yet its hash goes: 3 lease TTLs after the last refresh.
        await Eventually.TrueAsync(async () => !await db.KeyExistsAsync(nodes[0].Keys.PresenceUser(gone)),
            "the dead node's user hash expired", timeoutMs: 10_000);
        // The live node's user outlives many TTLs.
        Assert.Equal(1, await alive.CountConnectionsAsync(kept, default));
    }

    [Fact]
    public async Task NodeRegistersItsConnectionsAgainWhenRedisLostThem()
    {
        var node = (await _redis.NodesAsync(1))[0];
        var presence = _redis.Own(new RedisPresence(node.Connection, node.Keys, "n1", TimeSpan.FromSeconds(15), NullLogger.Instance));
        var user = Unique("u");
        await presence.AddConnectionAsync(user, "c1", default);
        // What a Redis restart without persistence does to this node's keys.
        await node.Connection.GetDatabase().KeyDeleteAsync(node.Keys.PresenceUser(user));
        Assert.False(await presence.IsOnlineAsync(user, default));

        await presence.RefreshAsync(default);

        Assert.Equal(1, await presence.CountConnectionsAsync(user, default));
    }

    [Fact]
    public async Task ForOneRefreshPeriodAfterTheConnectionComesBackAUserWithNoEntryCountsAsOnline()
    {
        // Redis restarted empty: the other nodes may not have re-registered their connections yet (issue 14 item 3).
        var node = (await _redis.NodesAsync(1))[0];
        var presence = _redis.Own(new RedisPresence(node.Connection, node.Keys, "n-restored", TimeSpan.FromSeconds(3), NullLogger.Instance));
        var nobody = Unique("nobody");
        Assert.False(await presence.IsOnlineAsync(nobody, default));

        // Drop this multiplexer's interactive connection to one server, as a restart would; it reconnects by itself.
        var server = node.Connection.GetServer(node.Connection.GetEndPoints()[0]);
        var id = (long)await server.ExecuteAsync("CLIENT", "ID");
        try
        {
            await server.ExecuteAsync("CLIENT", "KILL", "ID", id, "SKIPME", "no"); // it is this very connection
        }
        catch (StackExchange.Redis.RedisConnectionException)
        {
            // The reply may be lost with the connection it closed.
        }
        await Eventually.TrueAsync(() => presence.IsReRegistering, "the restored connection opened the re-registration window");

        Assert.True(await presence.IsOnlineAsync(nobody, default));
        Assert.Equal(0, await presence.CountConnectionsAsync(nobody, default)); // the count itself stays exact
        await Eventually.TrueAsync(async () => !await presence.IsOnlineAsync(nobody, default), "the window closes after one refresh period (1 s)");
    }

    [Fact]
    public async Task FromTheLossOfTheConnectionUntilItsRestoreIsHandledAUserWithNoEntryCountsAsOnline()
    {
        // SE.Redis raises ConnectionRestored on a worker thread once the connection already serves commands: on a busy
        // node the first sends after a restart ran before the window opened, and took a connected user for offline.
        var node = (await _redis.NodesAsync(1))[0];
        var unreachable = RedisMultiplexer.Configure(new ImRedisOptions { Configuration = "127.0.0.1:1" }); // nothing listens there
        unreachable.ConnectTimeout = 200;
        using var away = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync(unreachable);
        var presence = new RedisPresence(away, node.Keys, "n-lost", TimeSpan.FromSeconds(3), NullLogger.Instance);
        try
        {
            presence.OnConnectionFailed(away, Interactive());
            await Task.Delay(1500); // longer than a refresh period (1 s): the window does not run out while Redis is away
            Assert.True(presence.IsReRegistering);

            presence.OnConnectionRestored(away, Interactive());

            Assert.True(presence.IsReRegistering);
            await Eventually.TrueAsync(() => !presence.IsReRegistering, "the window closes one refresh period after the restore");
        }
        finally
        {
            await presence.DisposeAsync();
        }
    }

    [Fact]
    public async Task ALossHandledOnlyOnceTheConnectionIsBackOpensOneRefreshPeriod()
    {
        // Events come in no guaranteed order: the loss may be handled after the restore was.
        var node = (await _redis.NodesAsync(1))[0];
        var presence = _redis.Own(new RedisPresence(node.Connection, node.Keys, "n-late-loss", TimeSpan.FromSeconds(3), NullLogger.Instance));
        var nobody = Unique("nobody");

        presence.OnConnectionFailed(node.Connection, Interactive());

        Assert.True(await presence.IsOnlineAsync(nobody, default));
        await Eventually.TrueAsync(async () => !await presence.IsOnlineAsync(nobody, default), "the window closes after one refresh period (1 s)");
    }

    private static StackExchange.Redis.ConnectionFailedEventArgs Interactive() => new(
        null!, new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 1), StackExchange.Redis.ConnectionType.Interactive,
        StackExchange.Redis.ConnectionFailureType.SocketClosed, null!, null!);

    [Fact]
    public async Task AGracefulStopRemovesTheNodesConnectionsAtOnce()
    {
        var nodes = await _redis.NodesAsync(2);
        var stopping = new RedisPresence(nodes[0].Connection, nodes[0].Keys, "stopping", TimeSpan.FromSeconds(15), NullLogger.Instance);
        var other = _redis.Own(new RedisPresence(nodes[1].Connection, nodes[1].Keys, "other", TimeSpan.FromSeconds(15), NullLogger.Instance));
        var user = Unique("u");
        await stopping.AddConnectionAsync(user, "c-stopping", default);
        await other.AddConnectionAsync(user, "c-other", default);

        await stopping.StopAsync();

        // Not 15 s later when the entry would expire: right away.
        Assert.Equal(1, await other.CountConnectionsAsync(user, default));
    }
}
