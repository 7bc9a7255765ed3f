using ImSignalR.Specification.Persistence;
namespace ImSignalR.IntegrationTests.Persistence;

public sealed class SqliteGroupStoreTests(SqliteStoreFixture fixture) : GroupStoreContract<SqliteStoreFixture>(fixture);
