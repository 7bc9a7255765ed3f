using ImSignalR.Specification.Persistence;
namespace ImSignalR.IntegrationTests.Persistence;

public sealed class SqliteStatsStoreTests(SqliteStoreFixture fixture) : StatsStoreContract<SqliteStoreFixture>(fixture);
