using ImSignalR.Infrastructure.Redis;
using ImSignalR.Infrastructure.Redis.Backplane;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImSignalR.IntegrationTests.Redis;

[Collection(RedisCollection.Name)]
public sealed class RedisBackplaneTests(RedisFixture fixture) : IAsyncLifetime
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(15);
    private readonly List<IAsyncDisposable> _owned = [];
    private readonly string _prefix = $"test{Guid.NewGuid():N}.";

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }
    }

    [Fact]
    public async Task SendToAUserReachesTheirConnectionsOnEveryNode()
    {
        var (node1, node2) = (await NodeAsync(), await NodeAsync());
        var alice = new TestHubConnection("alice-1", "alice");
        var bobPhone = new TestHubConnection("bob-phone", "bob");
        var bobLaptop = new TestHubConnection("bob-laptop", "bob");
        await node1.OnConnectedAsync(alice).WaitAsync(Bound);
        await node2.OnConnectedAsync(bobPhone).WaitAsync(Bound);
        await node1.OnConnectedAsync(bobLaptop).WaitAsync(Bound);

        await node1.SendUserAsync("bob", "ReceiveC2C", ["hi bob"]).WaitAsync(Bound);

        await Eventually.TrueAsync(() => bobPhone.Received.Any(m => m.Contains("hi bob")) && bobLaptop.Received.Any(m => m.Contains("hi bob")),
            "bob's devices on both nodes got the message");
        Assert.Contains("\"target\":\"ReceiveC2C\"", bobPhone.Received.First());
        Assert.Empty(alice.Received);
    }

    [Fact]
    public async Task DisconnectedConnectionNoLongerReceivesUserMessages()
    {
        var (node1, node2) = (await NodeAsync(), await NodeAsync());
        var gone = new TestHubConnection("gone", "carol");
        var stays = new TestHubConnection("stays", "carol");
        await node2.OnConnectedAsync(gone);
        await node2.OnConnectedAsync(stays);
        await node2.OnDisconnectedAsync(gone);

        await node1.SendUserAsync("carol", "Ping", ["after"]);

        await Eventually.TrueAsync(() => stays.Received.Count == 1, "remaining device got it");
        Assert.Empty(gone.Received);
    }

    [Fact]
    public async Task SendAllExceptSkipsTheExcludedConnectionsOnEveryNode()
    {
        var (node1, node2) = (await NodeAsync(), await NodeAsync());
        var a = new TestHubConnection("a", null);
        var b = new TestHubConnection("b", null);
        var c = new TestHubConnection("c", null);
        await node1.OnConnectedAsync(a);
        await node2.OnConnectedAsync(b);
        await node2.OnConnectedAsync(c);

        await node1.SendAllExceptAsync("Hello", ["x"], ["b"]);

        await Eventually.TrueAsync(() => a.Received.Count == 1 && c.Received.Count == 1, "a and c got it");
        Assert.Empty(b.Received);
    }

    [Fact]
    public async Task SendToAConnectionOnAnotherNodeArrives()
    {
        var (node1, node2) = (await NodeAsync(), await NodeAsync());
        var target = new TestHubConnection("remote-target", "dave");
        await node2.OnConnectedAsync(target);

        await node1.SendConnectionAsync("remote-target", "Direct", [42]);

        await Eventually.TrueAsync(() => target.Received.Any(m => m.Contains("\"arguments\":[42]")), "direct message");
    }

    [Fact]
    public async Task GroupChangeForAConnectionOnAnotherNodeIsAcknowledgedAndApplied()
    {
        var (node1, node2) = (await NodeAsync(), await NodeAsync());
        var member = new TestHubConnection("member", "erin");
        var other = new TestHubConnection("other", "frank");
        await node2.OnConnectedAsync(member);
        await node1.OnConnectedAsync(other);

        await node1.AddToGroupAsync("member", "room").WaitAsync(Bound);
        await node1.SendGroupAsync("room", "InRoom", ["one"]);
        await Eventually.TrueAsync(() => member.Received.Count == 1, "group message");

        await node1.RemoveFromGroupAsync("member", "room").WaitAsync(Bound);
        await node1.AddToGroupAsync("other", "room").WaitAsync(Bound);
        await node1.SendGroupAsync("room", "InRoom", ["two"]);
        await Eventually.TrueAsync(() => other.Received.Count == 1, "local member got the second message");
        Assert.Single(member.Received);
    }

    [Fact]
    public async Task GroupChangeForAConnectionNoNodeOwnsTimesOut()
    {
        var node = await NodeAsync(ackTimeout: TimeSpan.FromMilliseconds(500));
        await node.OnConnectedAsync(new TestHubConnection("someone", null));
        await Assert.ThrowsAsync<TaskCanceledException>(() => node.AddToGroupAsync("nobody-has-this", "room").WaitAsync(Bound));
    }

    [Fact]
    public async Task ClientResultsAreReportedAsNotSupported()
    {
        var node = await NodeAsync();
        await Assert.ThrowsAsync<NotSupportedException>(() => node.InvokeConnectionAsync<int>("x", "M", [], default));
    }

    private async Task<RedisHubLifetimeManager<BackplaneTestHub>> NodeAsync(TimeSpan? ackTimeout = null)
    {
        var redis = await fixture.ConnectAsync();
        _owned.Add(redis);
        var options = Options.Create(new ImRedisOptions
        {
            ChannelPrefix = _prefix,
            NodeId = $"node-{Guid.NewGuid():N}",
            GroupAckTimeout = ackTimeout ?? TimeSpan.FromSeconds(30),
        });
        var manager = new RedisHubLifetimeManager<BackplaneTestHub>(
            NullLogger<RedisHubLifetimeManager<BackplaneTestHub>>.Instance,
            options,
            new JsonOnlyProtocolResolver(),
            Options.Create(new HubOptions()),
            Options.Create(new HubOptions<BackplaneTestHub>()),
            redis);
        _owned.Insert(_owned.Count, manager);
        return manager;
    }
}
