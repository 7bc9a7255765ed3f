using ImSignalR.Specification.Persistence;
namespace ImSignalR.IntegrationTests.Persistence;

public sealed class SqliteMessageStoreTests(SqliteStoreFixture fixture) : MessageStoreContract<SqliteStoreFixture>(fixture);
