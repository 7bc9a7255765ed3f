namespace ImSignalR.IntegrationTests.Persistence;

public sealed class MySqlMessageStoreTests(MySqlStoreFixture fixture) : MessageStoreContract<MySqlStoreFixture>(fixture);
