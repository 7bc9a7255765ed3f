using Dapper;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using MySqlConnector;
using ImSignalR.Specification.Persistence;

namespace ImSignalR.IntegrationTests.Persistence;

public sealed class MySqlMessageStoreTests : MessageStoreContract<MySqlStoreFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly MySqlStoreFixture _fixture;

    public MySqlMessageStoreTests(MySqlStoreFixture fixture)
        : base(fixture)
    {
        _fixture = fixture;
    }

    /// <summary>
    /// The writer keeps its connection between batches; when the server has dropped it meanwhile (a restart,
    /// an idle cut — here KILL), the next batch still lands, on a fresh connection.
    /// </summary>
    [Fact]
    public async Task ABatchAfterTheServerDroppedTheWritersConnectionStillLands()
    {
        var startNode = await _fixture.CreateFreshDatabaseAsync().WaitAsync(Bound);
        var (migrator, store) = startNode();
        await migrator.MigrateAsync(default).WaitAsync(Bound);
        var (a, b) = (TestIds.User("a"), TestIds.User("b"));
        var m1 = TestIds.Message(a, b, 1, 1_000);
        var m2 = TestIds.Message(a, b, 2, 2_000);
        Assert.Equal(AppendStatus.Appended, Assert.Single(await store.ApplyAsync([new MessageSent(m1)], default).WaitAsync(Bound)).Status);

        var database = new MySqlConnectionStringBuilder(_fixture.ConnectionString).Database + "_";
        await using (var admin = new MySqlConnection(_fixture.ConnectionString))
        {
            await admin.OpenAsync();
            // Every session on a scratch database (this test's kept writer among them), none on the shared one.
            var sessions = (await admin.QueryAsync<long>(
                "SELECT id FROM information_schema.processlist WHERE db LIKE CONCAT(@Prefix, '%') AND id <> CONNECTION_ID()",
                new { Prefix = database })).ToList();
            Assert.NotEmpty(sessions);
            foreach (var id in sessions)
            {
                await admin.ExecuteAsync($"KILL CONNECTION {id}");
            }
        }

        var outcome = Assert.Single(await store.ApplyAsync([new MessageSent(m2)], default).WaitAsync(Bound));

        Assert.Equal(AppendStatus.Appended, outcome.Status);
        Assert.Equal([m1.MsgId, m2.MsgId], (await store.GetAfterSeqAsync(m1.ChatId, 0, 10, default).WaitAsync(Bound)).Select(m => m.MsgId));
    }
}
