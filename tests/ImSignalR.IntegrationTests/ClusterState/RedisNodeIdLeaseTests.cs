using System.Diagnostics;
using ImSignalR.Redis.State;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace ImSignalR.IntegrationTests.ClusterState;

/// <summary>
/// No two live nodes mint msgIds from one node id: two nodes of one id and one millisecond make the same msgId, and
/// the store takes the second message for a redelivery of the first, answering "duplicate" for a message it never stored.
/// </summary>
public abstract class RedisNodeIdLeaseContract<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : RedisStateFixture
{
    // Renewed every third of it: 6 s leaves a loaded CI machine a 4 s stall before a live lease runs out. 1 s did not,
    // and a clean CI run saw a 3 s lease run out too (on the Redis Cluster: the second node got the id it must be refused).
    private static readonly TimeSpan Ttl = TimeSpan.FromSeconds(6);

    private async Task<(IConnectionMultiplexer Redis, RedisKeys Keys)> NodeAsync()
    {
        var nodes = await fixture.NodesAsync(1);
        return nodes[0];
    }

    private static RedisNodeIdLease Lease(IConnectionMultiplexer redis, RedisKeys keys, string host, int pid, Func<int, bool>? alive = null) =>
        new(redis, keys, Ttl, NullLogger.Instance, host, pid, alive ?? (_ => true));

    [Fact]
    public async Task AConfiguredIdThatALiveNodeOfAnotherHostKeepsRefusesTheSecondNode()
    {
        var (redis, keys) = await NodeAsync();
        await using var first = Lease(redis, keys, "host-a", 100);
        Assert.Equal(5, first.Claim(5, mayMove: false));
        await using var second = Lease(redis, keys, "host-b", 100);

        var started = Stopwatch.StartNew();
        var refused = Assert.Throws<InvalidOperationException>(() => second.Claim(5, mayMove: false));

        Assert.Contains("Im:NodeId 5 is held by another live node (host host-a, pid 100)", refused.Message);
        // It waited out a whole TTL first (a dead holder's lease would have run out by then), renewed by the first.
        Assert.True(started.Elapsed >= Ttl, $"refused after {started.Elapsed}");
        Assert.StartsWith("host-a 100 ", (string?)await redis.GetDatabase().StringGetAsync(keys.NodeId(5)));
    }

    [Fact]
    public async Task ADerivedIdThatIsHeldMovesToTheNextFreeOne()
    {
        var (redis, keys) = await NodeAsync();
        await using var first = Lease(redis, keys, "host-a", 100);
        await using var second = Lease(redis, keys, "host-b", 100);
        await using var third = Lease(redis, keys, "host-c", 100);

        Assert.Equal(1023, first.Claim(1023, mayMove: true));
        Assert.Equal(0, second.Claim(1023, mayMove: true));
        Assert.Equal(1, third.Claim(1023, mayMove: true));
    }

    [Fact]
    public async Task ANodeRestartedOnItsHostTakesTheLeaseItsCrashedPredecessorLeftAtOnce()
    {
        var (redis, keys) = await NodeAsync();
        // SIGKILL leaves the lease for its TTL.
        await redis.GetDatabase().StringSetAsync(keys.NodeId(9), "host-a 4242 0123456789abcdef", TimeSpan.FromSeconds(30));
        await using var restarted = Lease(redis, keys, "host-a", 5151, alive: pid => pid != 4242);

        var started = Stopwatch.StartNew();
        Assert.Equal(9, restarted.Claim(9, mayMove: false));

        Assert.True(started.Elapsed < TimeSpan.FromSeconds(5), $"claimed after {started.Elapsed}");
        Assert.StartsWith("host-a 5151 ", (string?)await redis.GetDatabase().StringGetAsync(keys.NodeId(9)));
    }

    [Fact]
    public async Task ALeaseLeftByANodeOfAnotherHostIsTakenOnceItRunsOut()
    {
        var (redis, keys) = await NodeAsync();
        await redis.GetDatabase().StringSetAsync(keys.NodeId(3), "host-z 1 0123456789abcdef", TimeSpan.FromMilliseconds(600));
        await using var lease = Lease(redis, keys, "host-a", 100);

        var started = Stopwatch.StartNew();
        Assert.Equal(3, lease.Claim(3, mayMove: false));

        Assert.True(started.Elapsed >= TimeSpan.FromMilliseconds(400), $"claimed after {started.Elapsed}: it did not wait");
    }

    [Fact]
    public async Task AReleasedIdIsFreeAtOnceAndAReleaseNeverFreesAnotherHoldersLease()
    {
        var (redis, keys) = await NodeAsync();
        var db = redis.GetDatabase();
        await using var first = Lease(redis, keys, "host-a", 100);
        first.Claim(11, mayMove: false);
        await first.ReleaseAsync();
        Assert.False(await db.KeyExistsAsync(keys.NodeId(11)));

        await using var second = Lease(redis, keys, "host-b", 100);
        var started = Stopwatch.StartNew();
        Assert.Equal(11, second.Claim(11, mayMove: false));
        Assert.True(started.Elapsed < Ttl, $"claimed after {started.Elapsed}");
        await first.ReleaseAsync();
        Assert.StartsWith("host-b 100 ", (string?)await db.StringGetAsync(keys.NodeId(11)));
    }

    [Fact]
    public async Task ALeaseLostWithRedisDataIsClaimedAgainAndOneTakenMeanwhileIsLeftToItsHolder()
    {
        var (redis, keys) = await NodeAsync();
        var db = redis.GetDatabase();
        await using var lease = Lease(redis, keys, "host-a", 100);
        lease.Claim(12, mayMove: false);
        var key = keys.NodeId(12);

        await db.KeyDeleteAsync(key);
        await lease.RenewOnceAsync(12);
        Assert.StartsWith("host-a 100 ", (string?)await db.StringGetAsync(key));
        Assert.True(await db.KeyTimeToLiveAsync(key) is { } ttl && ttl <= Ttl && ttl > TimeSpan.Zero);

        await db.StringSetAsync(key, "host-b 7 0123456789abcdef", TimeSpan.FromSeconds(30));
        await lease.RenewOnceAsync(12);
        Assert.Equal("host-b 7 0123456789abcdef", (string?)await db.StringGetAsync(key));
        await lease.ReleaseAsync();
        Assert.Equal("host-b 7 0123456789abcdef", (string?)await db.StringGetAsync(key));
    }
}

public sealed class RedisNodeIdLeaseTests(RedisNodeIdLeaseFixture f) : RedisNodeIdLeaseContract<RedisNodeIdLeaseFixture>(f);

public sealed class RedisClusterNodeIdLeaseTests(RedisClusterNodeIdLeaseFixture f) : RedisNodeIdLeaseContract<RedisClusterNodeIdLeaseFixture>(f);

public sealed class RedisNodeIdLeaseFixture() : RedisStateFixture(cluster: false);

public sealed class RedisClusterNodeIdLeaseFixture() : RedisStateFixture(cluster: true);
