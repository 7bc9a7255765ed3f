using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests.Cluster;

/// <summary>
/// Two (or more) real hub nodes on one private Redis and the test MariaDB (<c>IM_TEST_MYSQL</c>,
/// started by scripts/test.sh). Nodes can be killed and restarted; Redis can be restarted (data lost).
/// </summary>
public sealed class ClusterFixture : IAsyncDisposable
{
    public const string SigningKey = "cluster-test-signing-key-0123456789-abcdefghijklmnop";

    private ClusterFixture(RedisServer redis, List<HubProcess> nodes)
    {
        Redis = redis;
        Nodes = nodes;
    }

    public RedisServer Redis { get; }

    public List<HubProcess> Nodes { get; }

    public static async Task<ClusterFixture> StartAsync(int nodes = 2, IReadOnlyDictionary<string, string>? extra = null)
    {
        var mysql = Environment.GetEnvironmentVariable("IM_TEST_MYSQL");
        if (string.IsNullOrEmpty(mysql))
        {
            throw new InvalidOperationException("IM_TEST_MYSQL is not set: run ./scripts/test.sh (it starts MariaDB), or scripts/mariadb.sh start and export its env.");
        }
        var redis = new RedisServer();
        await redis.StartAsync();
        var started = new List<HubProcess>();
        for (var i = 1; i <= nodes; i++)
        {
            var settings = new Dictionary<string, string>
            {
                ["Im__NodeId"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ["Im__Redis__Configuration"] = redis.Configuration,
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
            foreach (var (key, value) in extra ?? new Dictionary<string, string>())
            {
                settings[key] = value;
            }
            started.Add(await HubProcess.StartAsync(settings));
        }
        return new ClusterFixture(redis, started);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
        {
            await node.DisposeAsync();
        }
        await Redis.DisposeAsync();
    }
}
