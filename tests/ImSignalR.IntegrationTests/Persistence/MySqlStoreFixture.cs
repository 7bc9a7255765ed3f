using Dapper;
using ImSignalR.Domain.Ports;
using ImSignalR.Storage.MySql;
using ImSignalR.Storage;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;
using ImSignalR.Specification.Persistence;

namespace ImSignalR.IntegrationTests.Persistence;

/// <summary>
/// The MariaDB started by <c>scripts/mariadb.sh start</c>, found through <c>IM_TEST_MYSQL</c>. Tests share
/// its database; the concurrent-migration test gets scratch databases <c>imsignalr_test_…</c>, dropped here.
/// </summary>
public sealed class MySqlStoreFixture : IStoreFixture, IAsyncLifetime
{
    public const string EnvironmentVariable = "IM_TEST_MYSQL";

    private readonly List<ServiceProvider> _providers = [];
    private readonly List<string> _scratchDatabases = [];

    public MySqlStoreFixture()
    {
        ConnectionString = Environment.GetEnvironmentVariable(EnvironmentVariable) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{EnvironmentVariable} is not set. Start the test MariaDB with `scripts/mariadb.sh start` and then " +
                $"`eval \"export $(scripts/mariadb.sh env)\"` (or run scripts/test.sh, which does both).");
    }

    public string ConnectionString { get; }

    public IMessageStore Store { get; private set; } = null!;

    public StoreMigrator Migrator { get; private set; } = null!;

    /// <summary>The block store of the shared database (the first provider built).</summary>
    public IBlockStore Blocks => _providers[0].GetRequiredService<IBlockStore>();

    public IGroupStore Groups => _providers[0].GetRequiredService<IGroupStore>();

    /// <summary>The statistics of the shared database (the first provider built).</summary>
    public IStatsStore Stats => _providers[0].GetRequiredService<IStatsStore>();

    public async Task InitializeAsync()
    {
        (Migrator, Store) = Build(ConnectionString);
        await Migrator.MigrateAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(60));
    }

    public async Task<Func<(StoreMigrator Migrator, IMessageStore Store)>> CreateFreshDatabaseAsync()
    {
        var builder = new MySqlConnectionStringBuilder(ConnectionString);
        var name = $"{builder.Database}_{Guid.NewGuid():N}";
        await using (var connection = new MySqlConnection(ConnectionString))
        {
            await connection.OpenAsync();
            await connection.ExecuteAsync($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        }
        lock (_scratchDatabases)
        {
            _scratchDatabases.Add(name);
        }
        builder.Database = name;
        var connectionString = builder.ConnectionString;
        return () => Build(connectionString);
    }

    public IMessageStore CreateUnreachableStore()
    {
        // Port 1 on loopback: nothing listens, the connect is refused at once.
        var builder = new MySqlConnectionStringBuilder(ConnectionString) { Port = 1, ConnectionTimeout = 2, Pooling = false };
        var provider = new ServiceCollection().AddImMySqlStore(builder.ConnectionString).BuildServiceProvider();
        lock (_providers)
        {
            _providers.Add(provider);
        }
        return provider.GetRequiredService<IMessageStore>();
    }

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
        if (_scratchDatabases.Count > 0)
        {
            await using var connection = new MySqlConnection(ConnectionString);
            await connection.OpenAsync();
            foreach (var name in _scratchDatabases)
            {
                await connection.ExecuteAsync($"DROP DATABASE IF EXISTS `{name}`");
            }
        }
    }

    private (StoreMigrator, IMessageStore) Build(string connectionString)
    {
        var provider = new ServiceCollection().AddLogging().AddImMySqlStore(connectionString).BuildServiceProvider();
        lock (_providers)
        {
            _providers.Add(provider);
        }
        return (provider.GetRequiredService<StoreMigrator>(), provider.GetRequiredService<IMessageStore>());
    }
}
