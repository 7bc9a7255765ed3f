using ImSignalR.Domain.Ports;
using ImSignalR.Redis.State;
using Microsoft.Extensions.Logging.Abstractions;
using ImSignalR.Specification.ClusterState;

namespace ImSignalR.IntegrationTests.ClusterState;

public class RedisRetryQueueFixture : RedisStateFixture, IClusterStateFixture<IRetryQueue>
{
    public RedisRetryQueueFixture()
        : base(cluster: false)
    {
    }

    protected RedisRetryQueueFixture(bool cluster)
        : base(cluster)
    {
    }

    public async Task<IRetryQueue[]> CreateAsync(int nodes) =>
        (await NodesAsync(nodes)).Select(n => (IRetryQueue)new RedisRetryQueue(n.Connection, n.Keys)).ToArray();
}

public class RedisPresenceFixture : RedisStateFixture, IClusterStateFixture<IPresence>
{
    public RedisPresenceFixture()
        : base(cluster: false)
    {
    }

    protected RedisPresenceFixture(bool cluster)
        : base(cluster)
    {
    }

    public async Task<IPresence[]> CreateAsync(int nodes) =>
        (await NodesAsync(nodes)).Select((n, i) => (IPresence)Own(new RedisPresence(
            n.Connection, n.Keys, $"node{i}-{Guid.NewGuid():N}", TimeSpan.FromSeconds(15), NullLogger.Instance))).ToArray();
}

public class RedisDedupeFixture : RedisStateFixture, IClusterStateFixture<IDedupeCache>
{
    public RedisDedupeFixture()
        : base(cluster: false)
    {
    }

    protected RedisDedupeFixture(bool cluster)
        : base(cluster)
    {
    }

    public async Task<IDedupeCache[]> CreateAsync(int nodes) =>
        (await NodesAsync(nodes)).Select(n => (IDedupeCache)new RedisDedupeCache(n.Connection, n.Keys)).ToArray();
}

public class RedisSequenceAllocatorFixture : RedisStateFixture, ISequenceAllocatorFixture
{
    public RedisSequenceAllocatorFixture()
        : base(cluster: false)
    {
    }

    protected RedisSequenceAllocatorFixture(bool cluster)
        : base(cluster)
    {
    }

    public async Task<ISequenceAllocator[]> CreateAsync(int nodes, IMessageStore store) =>
        (await NodesAsync(nodes)).Select(n => (ISequenceAllocator)TestSequences.Over(new RedisSequenceCounter(n.Connection, n.Keys), store, 1000, recoveryWindow: null)).ToArray();
}

// The same fixtures on the 3-master Redis Cluster of IM_TEST_REDIS_CLUSTER.
public sealed class RedisClusterRetryQueueFixture() : RedisRetryQueueFixture(cluster: true);

public sealed class RedisClusterPresenceFixture() : RedisPresenceFixture(cluster: true);

public sealed class RedisClusterDedupeFixture() : RedisDedupeFixture(cluster: true);

public sealed class RedisClusterSequenceAllocatorFixture() : RedisSequenceAllocatorFixture(cluster: true);

public class RedisSequenceCounterFixture : RedisStateFixture, IClusterStateFixture<ISequenceCounter>
{
    public RedisSequenceCounterFixture()
        : base(cluster: false)
    {
    }

    protected RedisSequenceCounterFixture(bool cluster)
        : base(cluster)
    {
    }

    public async Task<ISequenceCounter[]> CreateAsync(int nodes) =>
        (await NodesAsync(nodes)).Select(n => (ISequenceCounter)new RedisSequenceCounter(n.Connection, n.Keys)).ToArray();
}

public sealed class RedisClusterSequenceCounterFixture() : RedisSequenceCounterFixture(cluster: true);
