namespace ImSignalR.IntegrationTests.Persistence;

public sealed class MySqlStatsStoreTests(MySqlStoreFixture fixture) : StatsStoreContract<MySqlStoreFixture>(fixture);
