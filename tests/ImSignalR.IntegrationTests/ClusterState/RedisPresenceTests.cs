using ImSignalR.Infrastructure.Redis.State;
using ImSignalR.IntegrationTests.Redis;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImSignalR.IntegrationTests.ClusterState;

public sealed class RedisPresenceTests : PresenceContract<RedisPresenceFixture>
{
    private readonly RedisPresenceFixture _fixture;

    public RedisPresenceTests(RedisPresenceFixture fixture)
        : base(fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task ConnectionsOfANodeThatDiesStopCountingWhenItsLeaseExpires()
    {
        var nodes = await _fixture.NodesAsync(2);
        var dying = new RedisPresence(nodes[0].Connection, nodes[0].Keys, "dying", TimeSpan.FromSeconds(1), NullLogger.Instance);
        var alive = _fixture.Own(new RedisPresence(nodes[1].Connection, nodes[1].Keys, "alive", TimeSpan.FromSeconds(1), NullLogger.Instance));
        var user = Unique("u");
        await dying.AddConnectionAsync(user, "c-dying", default);
        await alive.AddConnectionAsync(user, "c-alive", default);
        Assert.Equal(2, await alive.CountConnectionsAsync(user, default));

        await dying.SimulateCrashAsync();

        // The alive node keeps its own lease fresh past several TTLs, the dead one's runs out.
        await Eventually.TrueAsync(async () => await alive.CountConnectionsAsync(user, default) == 1, "dead node's connection dropped");
        await Task.Delay(2500);
        Assert.Equal(1, await alive.CountConnectionsAsync(user, default));
    }

    [Fact]
    public async Task AUsersHashExpiresOnceNoLiveNodeRefreshesIt()
    {
        var nodes = await _fixture.NodesAsync(2);
        var dying = new RedisPresence(nodes[0].Connection, nodes[0].Keys, "dying-ttl", TimeSpan.FromSeconds(1), NullLogger.Instance);
        var alive = _fixture.Own(new RedisPresence(nodes[1].Connection, nodes[1].Keys, "alive-ttl", TimeSpan.FromSeconds(1), NullLogger.Instance));
        var gone = Unique("gone");
        var kept = Unique("kept");
        await dying.AddConnectionAsync(gone, "c-gone", default);
        await alive.AddConnectionAsync(kept, "c-kept", default);
        var ttl = (await nodes[0].Connection.ExecuteAsync(["PTTL", nodes[0].Keys.PresenceUser(gone)], default)).AsInt64();
        Assert.InRange(ttl, 1, 3000);

        await dying.SimulateCrashAsync();

        // Nobody counts the dead node's user again, yet its hash goes: 3 lease TTLs after the last refresh.
        await Eventually.TrueAsync(async () => (await nodes[0].Connection.ExecuteAsync(["EXISTS", nodes[0].Keys.PresenceUser(gone)], default)).AsInt64() == 0,
            "the dead node's user hash expired", timeoutMs: 10_000);
        // The live node's user outlives many TTLs.
        Assert.Equal(1, await alive.CountConnectionsAsync(kept, default));
    }

    [Fact]
    public async Task NodeRegistersItsConnectionsAgainWhenRedisLostThem()
    {
        var node = (await _fixture.NodesAsync(1))[0];
        var presence = _fixture.Own(new RedisPresence(node.Connection, node.Keys, "n1", TimeSpan.FromSeconds(15), NullLogger.Instance));
        var user = Unique("u");
        await presence.AddConnectionAsync(user, "c1", default);
        // What a Redis restart without persistence does to this node's keys.
        await node.Connection.ExecuteAsync(["DEL", node.Keys.PresenceUser(user), node.Keys.PresenceNode("n1")], default);
        Assert.False(await presence.IsOnlineAsync(user, default));

        await presence.RefreshAsync(default);

        Assert.Equal(1, await presence.CountConnectionsAsync(user, default));
    }
}
