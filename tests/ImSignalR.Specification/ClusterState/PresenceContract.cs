using ImSignalR.Domain.Ports;

namespace ImSignalR.Specification.ClusterState;

public abstract class PresenceContract<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : class, IClusterStateFixture<IPresence>
{
    [Fact]
    public async Task UserIsOnlineWhileAnyConnectionIsRegistered()
    {
        var presence = (await fixture.CreateAsync(1))[0];
        var user = Unique("u");
        Assert.False(await presence.IsOnlineAsync(user, default));
        await presence.AddConnectionAsync(user, "c1", default);
        await presence.AddConnectionAsync(user, "c2", default);
        Assert.True(await presence.IsOnlineAsync(user, default));
        Assert.Equal(2, await presence.CountConnectionsAsync(user, default));
        await presence.RemoveConnectionAsync(user, "c1", default);
        Assert.Equal(1, await presence.CountConnectionsAsync(user, default));
        await presence.RemoveConnectionAsync(user, "c2", default);
        Assert.False(await presence.IsOnlineAsync(user, default));
        Assert.Equal(0, await presence.CountConnectionsAsync(user, default));
    }

    [Fact]
    public async Task AddingTheSameConnectionTwiceCountsItOnce()
    {
        var presence = (await fixture.CreateAsync(1))[0];
        var user = Unique("u");
        await presence.AddConnectionAsync(user, "c1", default);
        await presence.AddConnectionAsync(user, "c1", default);
        Assert.Equal(1, await presence.CountConnectionsAsync(user, default));
    }

    [Fact]
    public async Task RemovingAnUnknownConnectionIsHarmless()
    {
        var presence = (await fixture.CreateAsync(1))[0];
        var user = Unique("u");
        await presence.AddConnectionAsync(user, "c1", default);
        await presence.RemoveConnectionAsync(user, "nope", default);
        await presence.RemoveConnectionAsync(Unique("other"), "c1", default);
        Assert.Equal(1, await presence.CountConnectionsAsync(user, default));
    }

    [Fact]
    public async Task ConnectionsOnDifferentNodesAllCountEverywhere()
    {
        var nodes = await fixture.CreateAsync(2);
        var user = Unique("u");
        await nodes[0].AddConnectionAsync(user, "on-node-1", default);
        await nodes[1].AddConnectionAsync(user, "on-node-2", default);
        Assert.Equal(2, await nodes[0].CountConnectionsAsync(user, default));
        Assert.Equal(2, await nodes[1].CountConnectionsAsync(user, default));
        await nodes[1].RemoveConnectionAsync(user, "on-node-2", default);
        Assert.True(await nodes[1].IsOnlineAsync(user, default));
    }

    [Fact]
    public async Task OtherConnectionMeansAnotherLiveConnectionOfTheUserOnAnyNode()
    {
        var nodes = await fixture.CreateAsync(2);
        var user = Unique("u");
        Assert.False(await nodes[0].HasOtherConnectionAsync(user, "phone", default));
        await nodes[0].AddConnectionAsync(user, "phone", default);
        Assert.False(await nodes[0].HasOtherConnectionAsync(user, "phone", default));
        Assert.True(await nodes[0].HasOtherConnectionAsync(user, "not-registered", default));
        await nodes[1].AddConnectionAsync(user, "laptop", default);
        Assert.True(await nodes[0].HasOtherConnectionAsync(user, "phone", default));
        Assert.True(await nodes[1].HasOtherConnectionAsync(user, "laptop", default));
        await nodes[1].RemoveConnectionAsync(user, "laptop", default);
        Assert.False(await nodes[0].HasOtherConnectionAsync(user, "phone", default));
        Assert.False(await nodes[1].HasOtherConnectionAsync(Unique("other"), "phone", default));
    }

    [Fact]
    public async Task TheListingHasTheUsersLiveConnectionsOnEveryNodeAndIsBounded()
    {
        var nodes = await fixture.CreateAsync(2);
        var user = Unique("u");
        Assert.Empty(await nodes[0].ListConnectionsAsync(user, 10, default));
        await nodes[0].AddConnectionAsync(user, "c1", "WebSockets", "json", default);
        await nodes[1].AddConnectionAsync(user, "c2", default);
        await nodes[1].AddConnectionAsync(user, "c3", default);
        await nodes[1].RemoveConnectionAsync(user, "c3", default);

        var list = await nodes[1].ListConnectionsAsync(user, 10, default);

        Assert.Equal(["c1", "c2"], list.Select(c => c.ConnectionId).Order());
        Assert.Equal("WebSockets", list.Single(c => c.ConnectionId == "c1").Transport);
        Assert.All(list, c => Assert.False(string.IsNullOrEmpty(c.NodeId)));
        Assert.Single(await nodes[0].ListConnectionsAsync(user, 1, default));
    }

    protected static string Unique(string name) => $"{name}-{Guid.NewGuid():N}";
}
