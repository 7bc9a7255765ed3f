using ImSignalR.FunctionalTests.Cluster;
using ImSignalR.FunctionalTests.Infrastructure;
using ImSignalR.IntegrationTests.RocketMq.Double;
using MySqlConnector;

namespace ImSignalR.FunctionalTests.Admin;

/// <summary>
/// The same stats scenario with MySQL as the store: written by the direct log's group commit, and by the RocketMQ
/// persistence consumer. Each test gets a database of its own on the test MariaDB, so its counts are its own.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed class AdminStatsClusterStoreTests
{
    [Fact]
    public async Task OnMySqlTheStatsOfTodayAreExactlyWhatWasSentRecalledAndRefused()
    {
        await using var database = await ScratchDatabase.CreateAsync();
        var words = await StatsScenario.WordsFileAsync();
        try
        {
            await using var hub = await HubProcess.StartAsync(new Dictionary<string, string>
            {
                ["Im__Store__Provider"] = "MySql",
                ["Im__Store__ConnectionString"] = database.ConnectionString,
                ["Im__Moderation__WordsFile"] = words,
            });
            await StatsScenario.RunAsync(hub, storeLags: false);
        }
        finally
        {
            File.Delete(words);
        }
    }

    [Fact]
    public async Task WithRocketMqThePersistenceConsumerCountsAsItApplies()
    {
        await using var database = await ScratchDatabase.CreateAsync();
        var words = await StatsScenario.WordsFileAsync();
        await using var mq = RocketMqDouble.Start(brokers: 1);
        var topic = "IM_STATS_" + Guid.NewGuid().ToString("N")[..12];
        mq.CreateTopic(topic, queuesPerBroker: 4);
        try
        {
            await using var hub = await HubProcess.StartAsync(new Dictionary<string, string>
            {
                ["Im__RocketMq__NameServer"] = mq.NameServerAddress,
                ["Im__RocketMq__Topic"] = topic,
                ["Im__RocketMq__ConsumerGroup"] = "g_" + topic,
                ["Im__RocketMq__PullSuspendTimeout"] = "00:00:01",
                ["Im__RocketMq__RebalanceInterval"] = "00:00:01",
                ["Im__RocketMq__HeartbeatInterval"] = "00:00:01",
                ["Im__Store__Provider"] = "MySql",
                ["Im__Store__ConnectionString"] = database.ConnectionString,
                ["Im__Auth__SigningKey"] = ClusterFixture.SigningKey,
                ["Im__Auth__DevTokens"] = "true",
                ["Im__Moderation__WordsFile"] = words,
            });
            await StatsScenario.RunAsync(hub, storeLags: true);
        }
        finally
        {
            File.Delete(words);
        }
    }

    /// <summary>A database of its own on the test MariaDB (<c>IM_TEST_MYSQL</c>), dropped afterwards.</summary>
    private sealed class ScratchDatabase : IAsyncDisposable
    {
        private readonly string _server;
        private readonly string _name;

        private ScratchDatabase(string server, string name, string connectionString)
        {
            _server = server;
            _name = name;
            ConnectionString = connectionString;
        }

        public string ConnectionString { get; }

        public static async Task<ScratchDatabase> CreateAsync()
        {
            var server = Environment.GetEnvironmentVariable("IM_TEST_MYSQL")
                ?? throw new InvalidOperationException("IM_TEST_MYSQL is not set: run ./scripts/test.sh.");
            var builder = new MySqlConnectionStringBuilder(server);
            var name = $"{builder.Database}_stats_{Guid.NewGuid():N}";
            await ExecuteAsync(server, $"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
            builder.Database = name;
            return new ScratchDatabase(server, name, builder.ConnectionString);
        }

        public async ValueTask DisposeAsync() => await ExecuteAsync(_server, $"DROP DATABASE IF EXISTS `{_name}`");

        private static async Task ExecuteAsync(string connectionString, string sql)
        {
            await using var connection = new MySqlConnection(connectionString);
            await connection.OpenAsync();
            await using var command = new MySqlCommand(sql, connection);
            await command.ExecuteNonQueryAsync();
        }
    }
}
