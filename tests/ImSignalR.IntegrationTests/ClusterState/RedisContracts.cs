using ImSignalR.Specification.ClusterState;
namespace ImSignalR.IntegrationTests.ClusterState;

public sealed class RedisRetryQueueTests(RedisRetryQueueFixture f) : RetryQueueContract<RedisRetryQueueFixture>(f);

public sealed class RedisDedupeTests(RedisDedupeFixture f) : DedupeContract<RedisDedupeFixture>(f);

public sealed class RedisPresenceTests(RedisPresenceFixture f) : RedisPresenceContract<RedisPresenceFixture>(f);

public sealed class RedisSequenceAllocatorTests(RedisSequenceAllocatorFixture f) : RedisSequenceAllocatorContract<RedisSequenceAllocatorFixture>(f);

// On the 3-master Redis Cluster (IM_TEST_REDIS_CLUSTER): every script must keep to one slot there.
public sealed class RedisClusterRetryQueueTests(RedisClusterRetryQueueFixture f) : RetryQueueContract<RedisClusterRetryQueueFixture>(f);

public sealed class RedisClusterDedupeTests(RedisClusterDedupeFixture f) : DedupeContract<RedisClusterDedupeFixture>(f);

public sealed class RedisClusterPresenceTests(RedisClusterPresenceFixture f) : RedisPresenceContract<RedisClusterPresenceFixture>(f);

public sealed class RedisClusterSequenceAllocatorTests(RedisClusterSequenceAllocatorFixture f)
    : RedisSequenceAllocatorContract<RedisClusterSequenceAllocatorFixture>(f);

public sealed class RedisSequenceCounterTests(RedisSequenceCounterFixture f) : SequenceCounterContract<RedisSequenceCounterFixture>(f);

public sealed class RedisClusterSequenceCounterTests(RedisClusterSequenceCounterFixture f) : SequenceCounterContract<RedisClusterSequenceCounterFixture>(f);
