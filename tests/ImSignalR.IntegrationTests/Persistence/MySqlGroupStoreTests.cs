using ImSignalR.Specification.Persistence;
namespace ImSignalR.IntegrationTests.Persistence;

public sealed class MySqlGroupStoreTests(MySqlStoreFixture fixture) : GroupStoreContract<MySqlStoreFixture>(fixture);
