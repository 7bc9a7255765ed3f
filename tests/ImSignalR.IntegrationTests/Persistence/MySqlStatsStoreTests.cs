using Dapper;
using ImSignalR.Domain.Ports;
using ImSignalR.Storage;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;
using ImSignalR.Specification.Persistence;

namespace ImSignalR.IntegrationTests.Persistence;

public sealed class MySqlStatsStoreTests : StatsStoreContract<MySqlStoreFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(60);
    private readonly MySqlStoreFixture _fixture;

    public MySqlStatsStoreTests(MySqlStoreFixture fixture)
        : base(fixture)
    {
        _fixture = fixture;
    }

    /// <summary>
    /// MySQL commits DDL implicitly, so a node that died between migration 004's statements and its version row runs
    /// the script again at its next start: that must succeed and keep what was counted meanwhile.
    /// </summary>
    [Fact]
    public async Task TheStatsMigrationRunsAgainOverItsOwnTablesAndKeepsTheirRows()
    {
        var builder = new MySqlConnectionStringBuilder(_fixture.ConnectionString);
        var name = $"{builder.Database}_m004_{Guid.NewGuid():N}";
        await using var admin = new MySqlConnection(_fixture.ConnectionString);
        await admin.OpenAsync();
        await admin.ExecuteAsync($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin");
        try
        {
            builder.Database = name;
            await using (var first = new ServiceCollection().AddLogging().AddImMySqlStore(builder.ConnectionString).BuildServiceProvider())
            {
                Assert.Contains(4, await first.GetRequiredService<StoreMigrator>().MigrateAsync(default).WaitAsync(Bound));
                await first.GetRequiredService<IStatsStore>().AddModerationHitsAsync(new DateOnly(2026, 12, 1), 3, default).WaitAsync(Bound);
            }
            await admin.ExecuteAsync($"DELETE FROM `{name}`.schema_migrations WHERE version = 4");

            await using var again = new ServiceCollection().AddLogging().AddImMySqlStore(builder.ConnectionString).BuildServiceProvider();
            Assert.Equal([4], await again.GetRequiredService<StoreMigrator>().MigrateAsync(default).WaitAsync(Bound));
            var day = Assert.Single(await again.GetRequiredService<IStatsStore>()
                .GetDailyStatsAsync(new DateOnly(2026, 12, 1), new DateOnly(2026, 12, 1), default).WaitAsync(Bound));
            Assert.Equal(3, day.ModerationHits);
        }
        finally
        {
            await admin.ExecuteAsync($"DROP DATABASE IF EXISTS `{name}`");
        }
    }
}
