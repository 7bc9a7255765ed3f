using ImSignalR.Domain.Ports;
using ImSignalR.Infrastructure.Redis.State;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImSignalR.IntegrationTests.ClusterState;

public sealed class RedisRetryQueueFixture : RedisStateFixture, IClusterStateFixture<IRetryQueue>
{
    public async Task<IRetryQueue[]> CreateAsync(int nodes) =>
        (await NodesAsync(nodes)).Select(n => (IRetryQueue)new RedisRetryQueue(n.Connection, n.Keys)).ToArray();
}

public sealed class RedisPresenceFixture : RedisStateFixture, IClusterStateFixture<IPresence>
{
    public async Task<IPresence[]> CreateAsync(int nodes) =>
        (await NodesAsync(nodes)).Select((n, i) => (IPresence)Own(new RedisPresence(
            n.Connection, n.Keys, $"node{i}-{Guid.NewGuid():N}", TimeSpan.FromSeconds(15), NullLogger.Instance))).ToArray();
}

public sealed class RedisDedupeFixture : RedisStateFixture, IClusterStateFixture<IDedupeCache>
{
    public async Task<IDedupeCache[]> CreateAsync(int nodes) =>
        (await NodesAsync(nodes)).Select(n => (IDedupeCache)new RedisDedupeCache(n.Connection, n.Keys)).ToArray();
}

public sealed class RedisSequenceAllocatorFixture : RedisStateFixture, ISequenceAllocatorFixture
{
    public async Task<ISequenceAllocator[]> CreateAsync(int nodes, IMessageStore store) =>
        (await NodesAsync(nodes)).Select(n => (ISequenceAllocator)new RedisSequenceAllocator(
            n.Connection, n.Keys, store, 1000, recoveryWindow: null, NullLogger.Instance)).ToArray();
}
