using ImSignalR.IntegrationTests.Redis;
using ImSignalR.Redis.State;
using Microsoft.Extensions.Logging.Abstractions;
using ImSignalR.Specification.ClusterState;

namespace ImSignalR.IntegrationTests.ClusterState;

/// <summary>
/// G3 when Redis loses its data, on a private single server the test can flush and restart (restarting one
/// master of the shared cluster would disturb every suite running on it).
/// </summary>
public sealed class RedisSequenceLossTests
{
    private static readonly RedisKeys Keys = new("im");

    private static string Chat() => $"chat:{Guid.NewGuid():N}";

    [Fact]
    public async Task SeqNeverRepeatsAfterRedisLosesItsDataWhileTheStoreLags()
    {
        await using var server = await RedisFixture.StartPrivateServerAsync();
        await using var redis = await RedisFixture.ConnectAsync(server.Endpoint + ",allowAdmin=true");
        var store = new FakeMaxSeqStore();
        var allocator = TestSequences.Over(new RedisSequenceCounter(redis, Keys), store, 1000, recoveryWindow: null);
        var chat = Chat();
        var issued = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            issued.Add(await allocator.NextAsync(chat, default));
        }
        // The store has persisted only up to 3 (RocketMQ consumer lag) when Redis loses everything.
        store.SetMax(chat, 3);
        await redis.GetServers()[0].FlushAllDatabasesAsync();

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
        await using var redis = await RedisFixture.ConnectAsync(server.Endpoint + ",allowAdmin=true");
        var store = new FakeMaxSeqStore();
        var allocator = TestSequences.Over(new RedisSequenceCounter(redis, Keys), store, 1000, TimeSpan.FromMinutes(10));
        var chat = Chat();
        var issued = new List<long>();
        for (var i = 0; i < 5; i++)
        {
            issued.Add(await allocator.NextAsync(chat, default));
        }
        Assert.Equal([1L, 2, 3, 4, 5], issued); // a first start jumps nothing: the store is empty
        store.HasHistory = true; // other conversations were stored meanwhile
        await redis.GetServers()[0].FlushAllDatabasesAsync();

        var next = await allocator.NextAsync(chat, default);
        var brandNew = await allocator.NextAsync(Chat(), default);

        Assert.Equal(1001, next);
        Assert.Equal(1001, brandNew); // within the recovery window every new counter jumps
        var db = redis.GetDatabase();
        Assert.InRange((await db.KeyTimeToLiveAsync(Keys.SequenceRecovering(chat)))!.Value.TotalMilliseconds, 1, 600_000);
    }

    [Fact]
    public async Task WithALaggingStoreAMissingCounterBesideAnIntactMarkerIsANewChatAndStartsAtOne()
    {
        await using var server = await RedisFixture.StartPrivateServerAsync();
        await using var redis = await RedisFixture.ConnectAsync(server.Endpoint + ",allowAdmin=true");
        var store = new FakeMaxSeqStore { HasHistory = true };
        var allocators = Enumerable.Range(0, 2)
            .Select(_ => TestSequences.Over(new RedisSequenceCounter(redis, Keys), store, 1000, TimeSpan.FromMinutes(10)))
            .ToArray();
        var (first, chat) = (Chat(), Chat());
        var db = redis.GetDatabase();
        // Counters intact (the markers of both chats' buckets exist), these chats are just new.
        await db.StringSetAsync(Keys.SequenceMarker(first), "1");
        await db.StringSetAsync(Keys.SequenceMarker(chat), "1");

        Assert.Equal(1, await allocators[0].NextAsync(first, default));
        Assert.Equal(1, await allocators[1].NextAsync(chat, default));
        Assert.Equal(2, await allocators[0].NextAsync(chat, default));
        Assert.False(await db.KeyExistsAsync(Keys.SequenceRecovering(first)));
        Assert.False(await db.KeyExistsAsync(Keys.SequenceRecovering(chat)));
    }

    [Fact]
    public async Task SeqNeverRepeatsAcrossARedisRestart()
    {
        await using var server = await RedisFixture.StartPrivateServerAsync();
        await using var redis = await RedisFixture.ConnectAsync(server.Endpoint + ",allowAdmin=true");
        var store = new FakeMaxSeqStore();
        var allocator = TestSequences.Over(new RedisSequenceCounter(redis, Keys), store, 1000, recoveryWindow: null);
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
