using ImSignalR.Redis;
using StackExchange.Redis;

namespace ImSignalR.IntegrationTests.Redis;

/// <summary>
/// The shared Redis for a test collection. Single server: <c>IM_TEST_REDIS</c> (host:port) when set, otherwise a
/// private <c>redis-server</c> started here and killed at the end. Cluster (<paramref name="cluster"/>): the
/// 3-master Redis Cluster of <c>IM_TEST_REDIS_CLUSTER</c> (its seed nodes), which scripts/test.sh starts; without
/// it the cluster suites fail, so a run that lacks the cluster cannot pass as if it had tested one.
/// Tests isolate themselves by unique keys. Restart tests always get their own server (<see cref="StartPrivateServerAsync"/>).
/// </summary>
public sealed class RedisFixture(bool cluster = false) : IAsyncLifetime
{
    public const string ClusterVariable = "IM_TEST_REDIS_CLUSTER";

    private RedisServerProcess? _ownServer;

    public string Endpoint { get; private set; } = "";

    public async Task InitializeAsync()
    {
        if (cluster)
        {
            Endpoint = ClusterEndpoints();
            return;
        }
        var external = Environment.GetEnvironmentVariable("IM_TEST_REDIS");
        if (!string.IsNullOrWhiteSpace(external))
        {
            Endpoint = external.Trim();
            return;
        }
        _ownServer = await RedisServerProcess.StartAsync();
        Endpoint = _ownServer.Endpoint;
    }

    public async Task DisposeAsync()
    {
        if (_ownServer is not null)
        {
            await _ownServer.DisposeAsync();
        }
    }

    /// <summary>The seed nodes of the test's Redis Cluster, or a failure that says how to get one.</summary>
    public static string ClusterEndpoints()
    {
        var endpoints = Environment.GetEnvironmentVariable(ClusterVariable);
        if (string.IsNullOrWhiteSpace(endpoints))
        {
            throw new InvalidOperationException(
                $"{ClusterVariable} is not set, so the Redis Cluster variant cannot run: run ./scripts/test.sh (it starts a 3-master " +
                "cluster on loopback) or start one and export its seed nodes, e.g. 127.0.0.1:7001,127.0.0.1:7002,127.0.0.1:7003.");
        }
        return endpoints.Trim();
    }

    public static Task<RedisServerProcess> StartPrivateServerAsync(params string[] extraArgs) => RedisServerProcess.StartAsync(extraArgs);

    internal Task<ConnectionMultiplexer> ConnectAsync() => ConnectAsync(Endpoint);

    /// <summary>A multiplexer configured as the product configures its own (fail fast, no abort on connect).</summary>
    internal static async Task<ConnectionMultiplexer> ConnectAsync(string endpoint)
    {
        var connection = await ConnectionMultiplexer.ConnectAsync(RedisMultiplexer.Configure(new ImRedisOptions { Configuration = endpoint }));
        await Eventually.TrueAsync(() => Task.FromResult(connection.IsConnected), $"connected to Redis at {endpoint}");
        return connection;
    }
}
