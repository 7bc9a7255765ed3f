using ImSignalR.IntegrationTests.Redis;
using ImSignalR.Redis.State;
using StackExchange.Redis;

namespace ImSignalR.IntegrationTests.ClusterState;

/// <summary>
/// Redis for the contract suites, on one server or (<paramref name="cluster"/>) on the 3-master Redis Cluster:
/// every <c>CreateAsync</c> gets a fresh key prefix (isolation on a shared server) and one multiplexer per
/// simulated node; everything is disposed at the end.
/// </summary>
public class RedisStateFixture(bool cluster) : IAsyncLifetime
{
    private readonly RedisFixture _redis = new(cluster);
    private readonly List<IAsyncDisposable> _owned = [];

    public string Endpoint => _redis.Endpoint;

    public Task InitializeAsync() => _redis.InitializeAsync();

    public async Task DisposeAsync()
    {
        foreach (var owned in Enumerable.Reverse(_owned))
        {
            await owned.DisposeAsync();
        }
        await _redis.DisposeAsync();
    }

    internal async Task<(ConnectionMultiplexer Connection, RedisKeys Keys)[]> NodesAsync(int nodes)
    {
        var keys = new RedisKeys($"test:{Guid.NewGuid():N}");
        var result = new (ConnectionMultiplexer, RedisKeys)[nodes];
        for (var i = 0; i < nodes; i++)
        {
            var connection = await _redis.ConnectAsync();
            Own(connection);
            result[i] = (connection, keys);
        }
        return result;
    }

    internal T Own<T>(T disposable) where T : IAsyncDisposable
    {
        lock (_owned)
        {
            _owned.Add(disposable);
        }
        return disposable;
    }
}
