using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests.Cluster;

/// <summary>Which Redis a <see cref="ClusterFixture"/> runs its nodes on.</summary>
public enum ClusterRedis
{
    /// <summary>A private redis-server started for the fixture, which the test may kill and restart (data lost).</summary>
    PrivateServer,

    /// <summary>The shared 3-master Redis Cluster of <c>IM_TEST_REDIS_CLUSTER</c> (scripts/test.sh starts it).</summary>
    SharedCluster,

    /// <summary>A private 3-master Redis Cluster started for the fixture, whose masters the test may restart (data lost).</summary>
    PrivateCluster,
}

/// <summary>
/// Two (or more) real hub nodes on Redis (a private server or the shared 3-master Redis Cluster) and the test
/// MariaDB (<c>IM_TEST_MYSQL</c>, started by scripts/test.sh). Nodes can be killed and restarted; a private Redis
/// can be restarted (data lost). On the shared cluster every fixture gets its own <c>Im:Redis:Prefix</c>, so
/// fixtures never see each other's retry queue or presence.
/// </summary>
public sealed class ClusterFixture : IAsyncDisposable
{
    public const string SigningKey = "cluster-test-signing-key-0123456789-abcdefghijklmnop";

    public const string ClusterVariable = "IM_TEST_REDIS_CLUSTER";

    private ClusterFixture(IAsyncDisposable? redis, string redisConfiguration, string prefix, List<HubProcess> nodes)
    {
        OwnRedis = redis as RedisServer;
        OwnCluster = redis as PrivateRedisCluster;
        RedisConfiguration = redisConfiguration;
        Prefix = prefix;
        Nodes = nodes;
    }

    /// <summary>The private Redis server (null on the shared cluster, which tests must not restart).</summary>
    public RedisServer? OwnRedis { get; }

    public RedisServer Redis => OwnRedis ?? throw new InvalidOperationException("This fixture runs on no private Redis server.");

    /// <summary>The private Redis Cluster (<see cref="ClusterRedis.PrivateCluster"/> only).</summary>
    public PrivateRedisCluster? OwnCluster { get; }

    public string RedisConfiguration { get; }

    public string Prefix { get; }

    public List<HubProcess> Nodes { get; }

    /// <param name="perNode">Settings of one node only (by 1-based index), e.g. a fault hook on node 1.</param>
    public static async Task<ClusterFixture> StartAsync(
        int nodes = 2, IReadOnlyDictionary<string, string>? extra = null, ClusterRedis redis = ClusterRedis.PrivateServer,
        Func<int, IReadOnlyDictionary<string, string>?>? perNode = null)
    {
        var mysql = TestMySql();
        if (redis == ClusterRedis.SharedCluster)
        {
            return await StartOnAsync(SharedClusterConfiguration(), $"t{Guid.NewGuid():N}", mysql, nodes, extra, ownRedis: null, perNode);
        }
        if (redis == ClusterRedis.PrivateCluster)
        {
            var privateCluster = await PrivateRedisCluster.StartAsync();
            return await StartOnAsync(privateCluster.Configuration, "im", mysql, nodes, extra, privateCluster, perNode);
        }
        var server = new RedisServer();
        await server.StartAsync();
        return await StartOnAsync(server.Configuration, "im", mysql, nodes, extra, server, perNode);
    }

    /// <summary>A deployment of <paramref name="nodes"/> nodes on a Redis someone else owns (two deployments, one Redis).</summary>
    public static Task<ClusterFixture> StartOnAsync(string redisConfiguration, string prefix, string mysql, int nodes) =>
        StartOnAsync(redisConfiguration, prefix, mysql, nodes, extra: null, ownRedis: null);

    public static string TestMySql()
    {
        var mysql = Environment.GetEnvironmentVariable("IM_TEST_MYSQL");
        if (string.IsNullOrEmpty(mysql))
        {
            throw new InvalidOperationException("IM_TEST_MYSQL is not set: run ./scripts/test.sh (it starts MariaDB), or scripts/mariadb.sh start and export its env.");
        }
        return mysql;
    }

    /// <summary>The seed nodes of the test's Redis Cluster; without them a cluster variant fails, it never passes untested.</summary>
    public static string SharedClusterConfiguration()
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

    private static async Task<ClusterFixture> StartOnAsync(
        string redisConfiguration, string prefix, string mysql, int nodes, IReadOnlyDictionary<string, string>? extra, IAsyncDisposable? ownRedis,
        Func<int, IReadOnlyDictionary<string, string>?>? perNode = null)
    {
        var started = new List<HubProcess>();
        try
        {
            for (var i = 1; i <= nodes; i++)
            {
                var settings = new Dictionary<string, string>
                {
                    ["Im__NodeId"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    ["Im__Redis__Configuration"] = redisConfiguration,
                    ["Im__Redis__Prefix"] = prefix,
                    ["Im__Store__Provider"] = "MySql",
                    ["Im__Store__ConnectionString"] = mysql,
                    ["Im__Auth__SigningKey"] = SigningKey,
                    ["Im__Auth__DevTokens"] = "true",
                    ["Im__Retry__DelaysSeconds"] = "1,1,1,1,1",
                    ["Im__Retry__SweepInterval"] = "00:00:00.200",
                    ["Im__Retry__Lease"] = "00:00:03",
                    ["Im__Limits__SendsPerSecond"] = "10000",
                    ["Im__Limits__SendBurst"] = "10000",
                };
                foreach (var (key, value) in (extra ?? new Dictionary<string, string>()).Concat(perNode?.Invoke(i) ?? new Dictionary<string, string>()))
                {
                    settings[key] = value;
                }
                started.Add(await HubProcess.StartAsync(settings));
            }
        }
        catch
        {
            foreach (var node in started)
            {
                await node.DisposeAsync();
            }
            if (ownRedis is not null)
            {
                await ownRedis.DisposeAsync();
            }
            throw;
        }
        return new ClusterFixture(ownRedis, redisConfiguration, prefix, started);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
        if (OwnRedis is not null)
        {
            await OwnRedis.DisposeAsync();
        }
        if (OwnCluster is not null)
        {
            await OwnCluster.DisposeAsync();
        }
    }
}
