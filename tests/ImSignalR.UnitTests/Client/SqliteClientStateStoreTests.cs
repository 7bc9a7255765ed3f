using ImSignalR.Contracts;
using ImSignalR.Client.State;

namespace ImSignalR.UnitTests.Client;

public sealed class SqliteClientStateStoreTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("imsignalr-state-").FullName;

    private SqliteClientStateStore NewStore() => new(Path.Combine(_dir, "state.db"));

    [Fact]
    public async Task OutboxSurvivesANewStoreInSendOrderPerUserAndForgetsRemovedSends()
    {
        var store = NewStore();
        foreach (var id in new[] { "c", "a", "b" })
        {
            await store.AddSendAsync("alice", new SendRequest { ClientMsgId = id, ToUserId = "bob", Content = "text " + id, Ext = id == "a" ? "x" : null }, default);
        }
        await store.AddSendAsync("alice", new SendRequest { ClientMsgId = "a", ToUserId = "bob", Content = "a resend keeps the first" }, default);
        await store.AddSendAsync("carol", new SendRequest { ClientMsgId = "z", ToUserId = "bob", Content = "other user" }, default);
        await store.RemoveSendAsync("alice", "b", default);

        var state = await NewStore().LoadAsync("alice", 10, default);
        Assert.Equal(["c", "a"], state.Outbox.Select(r => r.ClientMsgId));
        Assert.Equal("text a", state.Outbox[1].Content);
        Assert.Equal("x", state.Outbox[1].Ext);
        Assert.Null(state.Outbox[0].Ext);
    }

    [Fact]
    public async Task CursorsNeverMoveBackAndTheDedupeWindowKeepsTheNewestIds()
    {
        var store = NewStore();
        await store.SaveProgressAsync("alice", new Dictionary<string, long> { ["c1"] = 5, ["c2"] = 1 }, ["m1", "m2", "m3"], 3, default);
        await store.SaveProgressAsync("alice", new Dictionary<string, long> { ["c1"] = 3 }, ["m4", "m5"], 3, default);

        var state = await NewStore().LoadAsync("alice", 3, default);
        Assert.Equal(5, state.Cursors["c1"]);
        Assert.Equal(1, state.Cursors["c2"]);
        Assert.Equal(["m3", "m4", "m5"], state.SeenMsgIds);
        Assert.Empty((await store.LoadAsync("bob", 3, default)).Cursors);
    }

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }
}
