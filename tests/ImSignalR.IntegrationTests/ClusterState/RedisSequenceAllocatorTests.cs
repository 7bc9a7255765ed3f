using System.Collections.Concurrent;
using ImSignalR.Infrastructure.Redis.State;
using ImSignalR.IntegrationTests.Redis;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImSignalR.IntegrationTests.ClusterState;

public sealed class RedisSequenceAllocatorTests : SequenceAllocatorContract<RedisSequenceAllocatorFixture>
{
    private readonly RedisSequenceAllocatorFixture _fixture;

    public RedisSequenceAllocatorTests(RedisSequenceAllocatorFixture fixture)
        : base(fixture)
    {
        _fixture = fixture;
    }

    [Fact]
    public async Task SeqNeverRepeatsAfterRedisLosesItsDataWhileTheStoreLags()
    {
        await using var server = await RedisFixture.StartPrivateServerAsync();
        await using var redis = await RedisFixture.ConnectAsync(server.Endpoint);
        var store = new FakeMaxSeqStore();
        var allocator = new RedisSequenceAllocator(redis, new RedisKeys("im:"), store, 1000, recoveryWindow: null, NullLogger.Instance);
        var chat = Chat();
        var issued = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            issued.Add(await allocator.NextAsync(chat, default));
        }
        // The store has persisted only up to 3 (RocketMQ consumer lag) when Redis loses everything.
        store.SetMax(chat, 3);
        await redis.ExecuteAsync(["FLUSHALL"], default);

        var next = await allocator.NextAsync(chat, default);

        Assert.DoesNotContain(next, issued);
        Assert.True(next > issued.Max(), $"got {next} after {issued.Max()}");
        Assert.Equal(3 + 1000 + 1, next);
    }

    [Fact]
    public async Task WithALaggingStoreSeqNeverRepeatsAfterRedisLosesACounterTheStoreHasNoRowFor()
    {
        // RocketMQ mode: the chat's first messages are accepted (in the log) but none is stored yet.
        await using var server = await RedisFixture.StartPrivateServerAsync();
        await using var redis = await RedisFixture.ConnectAsync(server.Endpoint);
        var store = new FakeMaxSeqStore();
        var allocator = new RedisSequenceAllocator(redis, new RedisKeys("im:"), store, 1000, TimeSpan.FromMinutes(10), NullLogger.Instance);
        var chat = Chat();
        var issued = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            issued.Add(await allocator.NextAsync(chat, default));
        }
        Assert.Equal([1L, 2, 3, 4, 5], issued); // a first start jumps nothing: the store is empty
        store.HasHistory = true; // other conversations were stored meanwhile
        await redis.ExecuteAsync(["FLUSHALL"], default);

        var next = await allocator.NextAsync(chat, default);
        var brandNew = await allocator.NextAsync(Chat(), default);

        Assert.Equal(1001, next);
        Assert.Equal(1001, brandNew); // within the recovery window every new counter jumps
        Assert.InRange((await redis.ExecuteAsync(["PTTL", "im:seqstate:recovering"], default)).AsInt64(), 1, 600_000);
    }

    [Fact]
    public async Task WithALaggingStoreAMissingCounterBesideAnIntactMarkerIsANewChatAndStartsAtOne()
    {
        await using var server = await RedisFixture.StartPrivateServerAsync();
        await using var redis = await RedisFixture.ConnectAsync(server.Endpoint);
        var store = new FakeMaxSeqStore { HasHistory = true };
        var allocators = Enumerable.Range(0, 2)
            .Select(_ => new RedisSequenceAllocator(redis, new RedisKeys("im:"), store, 1000, TimeSpan.FromMinutes(10), NullLogger.Instance))
            .ToArray();
        await redis.ExecuteAsync(["SET", "im:seqstate:marker", "1"], default); // counters intact, this chat is just new

        Assert.Equal(1, await allocators[0].NextAsync(Chat(), default));
        var chat = Chat();
        Assert.Equal(1, await allocators[1].NextAsync(chat, default));
        Assert.Equal(2, await allocators[0].NextAsync(chat, default));
        Assert.Equal(0, (await redis.ExecuteAsync(["EXISTS", "im:seqstate:recovering"], default)).AsInt64());
    }

    [Fact]
    public async Task TwoNodesThatBothFindTheCounterMissingSeedItOnce()
    {
        var nodes = await _fixture.NodesAsync(2);
        var store = new FakeMaxSeqStore();
        var chat = Chat();
        store.SetMax(chat, 10);
        var allocators = nodes.Select(n => new RedisSequenceAllocator(n.Connection, n.Keys, store, 1000, recoveryWindow: null, NullLogger.Instance)).ToArray();
        var seen = new ConcurrentBag<long>();
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(async () => seen.Add(await allocators[i % 2].NextAsync(chat, default)))));
        Assert.Equal(10, seen.Distinct().Count());
        Assert.Equal(Enumerable.Range(1011, 10).Select(i => (long)i), seen.Order());
    }

    [Fact]
    public async Task SeqNeverRepeatsAcrossARedisRestart()
    {
        await using var server = await RedisFixture.StartPrivateServerAsync();
        await using var redis = await RedisFixture.ConnectAsync(server.Endpoint);
        var store = new FakeMaxSeqStore();
        var allocator = new RedisSequenceAllocator(redis, new RedisKeys("im:"), store, 1000, recoveryWindow: null, NullLogger.Instance);
        var chat = Chat();
        long last = 0;
        for (var i = 0; i < 3; i++)
        {
            last = await allocator.NextAsync(chat, default);
        }
        store.SetMax(chat, last);
        await server.RestartAsync();
        long next = 0;
        await Eventually.TrueAsync(async () => { next = await allocator.NextAsync(chat, default); return true; }, "allocation after restart");
        Assert.True(next > last, $"got {next} after {last}");
    }
}
