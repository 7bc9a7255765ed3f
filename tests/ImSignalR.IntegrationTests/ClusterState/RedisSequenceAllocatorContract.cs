using System.Collections.Concurrent;
using ImSignalR.Redis.State;
using Microsoft.Extensions.Logging.Abstractions;
using ImSignalR.Specification.ClusterState;

namespace ImSignalR.IntegrationTests.ClusterState;

/// <summary>The allocator contract plus the Redis adapter's seeding race, on one server and on a cluster.</summary>
public abstract class RedisSequenceAllocatorContract<TFixture>(TFixture redis) : SequenceAllocatorContract<TFixture>(redis)
    where TFixture : RedisSequenceAllocatorFixture
{
    private readonly TFixture _redis = redis;

    [Fact]
    public async Task TwoNodesThatBothFindTheCounterMissingSeedItOnce()
    {
        var nodes = await _redis.NodesAsync(2);
        var store = new FakeMaxSeqStore();
        var chat = Chat();
        store.SetMax(chat, 10);
        var allocators = nodes.Select(n => TestSequences.Over(new RedisSequenceCounter(n.Connection, n.Keys), store, 1000, recoveryWindow: null)).ToArray();
        var seen = new ConcurrentBag<long>();
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(async () => seen.Add(await allocators[i % 2].NextAsync(chat, default)))));
        Assert.Equal(10, seen.Distinct().Count());
        Assert.Equal(Enumerable.Range(1011, 10).Select(i => (long)i), seen.Order());
    }
}
