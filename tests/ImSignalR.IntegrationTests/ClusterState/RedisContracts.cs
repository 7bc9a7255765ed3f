namespace ImSignalR.IntegrationTests.ClusterState;

public sealed class RedisRetryQueueTests(RedisRetryQueueFixture f) : RetryQueueContract<RedisRetryQueueFixture>(f);

public sealed class RedisDedupeTests(RedisDedupeFixture f) : DedupeContract<RedisDedupeFixture>(f);
