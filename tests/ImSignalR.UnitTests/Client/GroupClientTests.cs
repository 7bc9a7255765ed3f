using System.Collections.Concurrent;
using ImSignalR.Client;
using ImSignalR.Contracts;
using ImSignalR.Client.Reliability;
using ImSignalR.Client.State;

namespace ImSignalR.UnitTests.Client;

/// <summary>SPEC §10 in the .NET SDK: a group is one more conversation (<c>grp:{groupId}</c>) of the same ordered,
/// deduplicated inbox, and group sends go through the same outbox and store as C2C ones.</summary>
public sealed class GroupClientTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private const string Chat = "grp:7";
    private readonly FakeHub _hub = new();
    private readonly ConcurrentQueue<ImMessage> _released = new();
    private readonly ConcurrentQueue<ImMessage> _repeats = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly string _dir = Directory.CreateTempSubdirectory("imsignalr-group-state-").FullName;
    private readonly Inbox _inbox;

    public GroupClientTests()
    {
        var settings = new InboxSettings { DedupeCapacity = 1000, SyncPageSize = 2, HoleRetryDelays = [TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10)] };
        _inbox = new Inbox(settings, _hub, _released.Enqueue, _repeats.Enqueue, () => "me", _stopping.Token);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_dir, recursive: true);
    }

    private long[] Released(string chatId) => _released.Where(m => m.ChatId == chatId).Select(m => m.Seq).ToArray();

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task GroupPushesAreReleasedOnceInSeqOrderAndAGapIsFilledByASyncOfTheGroupsChat()
    {
        var stored = Enumerable.Range(1, 5).Select(i => _hub.StoreGroup("7", i, from: i % 2 == 0 ? "bob" : "carol")).ToArray();
        _inbox.OnPush(stored[0]);
        _inbox.OnPush(stored[0] with { }); // a second copy (another node's publish)
        _inbox.OnPush(stored[3]); // seq 4: 2 and 3 were lost
        await Until(() => Released(Chat).Length == 5, "the group's five messages");

        Assert.Equal([1L, 2, 3, 4, 5], Released(Chat));
        Assert.Contains((Chat, 1L), _hub.Syncs);
        Assert.All(_released, m => Assert.Equal("7", m.GroupId));
        Assert.Single(_repeats);
    }

    [Fact]
    public async Task TheTailCheckSyncsAGroupWhoseLastPushWasLostAndLeavesCToCAndUpToDateGroupsAlone()
    {
        _inbox.OnPush(_hub.StoreGroup("7", 1));
        _inbox.OnPush(_hub.StoreGroup("8", 1));
        _inbox.OnPush(_hub.Store("c2c:me:peer", 1));
        _hub.StoreGroup("7", 2); // its push was lost, and nothing follows it
        _hub.Store("c2c:me:peer", 2); // C2C: the hub re-pushes until acked, not the tail check's job
        Assert.Equal([1L], Released(Chat));

        _inbox.SyncGroupsBehind(new Dictionary<string, long> { [Chat] = 2, ["grp:8"] = 1, ["c2c:me:peer"] = 2, ["grp:unknown"] = 5 });
        await Until(() => Released(Chat).Length == 2, "the lost last message");

        Assert.Equal([1L, 2], Released(Chat));
        Assert.Equal([(Chat, 1L)], _hub.Syncs.Where(s => s.ChatId is not null));
        Assert.True(_inbox.HasGroups);
    }

    [Fact]
    public async Task AGroupAndACToCConversationAreSeparateStreams()
    {
        var group = _hub.StoreGroup("7", 1);
        var direct = _hub.Store("c2c:me:peer", 1);
        _inbox.OnPush(_hub.StoreGroup("7", 2));
        _inbox.OnPush(direct);
        _inbox.OnPush(group);
        await Until(() => Released(Chat).Length == 2, "the group's two messages");

        Assert.Equal([1L, 2], Released(Chat));
        Assert.Equal([1L], Released("c2c:me:peer"));
    }

    [Fact]
    public async Task AGroupFirstSeenByAResyncStartsAtTheReadCursorSoItsUnreadMessagesArrive()
    {
        for (var i = 1; i <= 5; i++)
        {
            _hub.StoreGroup("7", i);
        }
        _hub.GroupReadSeqs[Chat] = 3; // read up to 3 on another device
        _hub.Store("c2c:me:peer", 1);

        await _inbox.ResyncAsync(_hub, _ => Task.CompletedTask, 10, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal([4L, 5], Released(Chat));
        Assert.Equal(1, _hub.ConversationCalls);
        // Known afterwards: the next resync asks no more.
        await _inbox.ResyncAsync(_hub, _ => Task.CompletedTask, 10, CancellationToken.None).WaitAsync(Bound);
        Assert.Equal(1, _hub.ConversationCalls);
    }

    [Fact]
    public async Task AGroupSendHasItsOwnQueueAndIsResentWithTheSameClientMsgIdAfterALostConnection()
    {
        _hub.SendFailures.Enqueue(new ImConnectionException("lost"));
        _hub.SendFailures.Enqueue(new ImServerException("HubException: IM_STORE_UNAVAILABLE: down"));
        var accepted = new List<string>();
        await using var outbox = new Outbox(_hub, 100, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5), (m, _) => { lock (accepted) { accepted.Add(m.ClientMsgId); } });

        var first = outbox.SendGroupAsync(new SendGroupRequest { ClientMsgId = "g1", GroupId = "7", Content = "one", Mentions = ["bob"] }, default);
        var second = outbox.SendGroupAsync(new SendGroupRequest { ClientMsgId = "g2", GroupId = "7", Content = "two" }, default);
        var results = await Task.WhenAll(first, second).WaitAsync(Bound);

        Assert.Equal([1L, 2], results.Select(r => r.Seq));
        Assert.All(results, r => Assert.Equal(Chat, r.ChatId));
        Assert.Equal(["g1", "g1", "g1", "g2"], _hub.GroupSendAttempts.Select(a => a.ClientMsgId));
        Assert.Equal(["bob"], _hub.GroupSendAttempts[0].Mentions);
        Assert.Equal(1, _hub.MaxConcurrentSendsPerRecipient);
        Assert.Equal(["g1", "g2"], accepted);
    }

    [Fact]
    public async Task AStoredGroupSendSurvivesARestartAndIsSentFirstByTheNextSession()
    {
        var store = new SqliteClientStateStore(Path.Combine(_dir, "state.db"));
        await store.AddGroupSendAsync("me", new SendGroupRequest { ClientMsgId = "g1", GroupId = "7", Content = "kept", Ext = "e", Mentions = ["bob", "all"] }, default);
        await store.AddGroupSendAsync("me", new SendGroupRequest { ClientMsgId = "g2", GroupId = "8", Content = "removed" }, default);
        await store.AddSendAsync("me", new SendRequest { ClientMsgId = "c1", ToUserId = "bob", Content = "direct" }, default);
        await store.RemoveSendAsync("me", "g2", default);

        var state = await new SqliteClientStateStore(Path.Combine(_dir, "state.db")).LoadAsync("me", 10, default);
        var kept = Assert.Single(state.GroupOutbox);
        Assert.Equal(new SendGroupRequest { ClientMsgId = "g1", GroupId = "7", Content = "kept", Ext = "e", MsgFormat = 1, Mentions = kept.Mentions }, kept);
        Assert.Equal(["bob", "all"], kept.Mentions);
        Assert.Equal(["c1"], state.Outbox.Select(r => r.ClientMsgId));

        await using var outbox = new Outbox(_hub, 100, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5), (_, _) => { })
        {
            Store = store,
            StoreUserId = "me",
        };
        outbox.Restore(state.GroupOutbox);
        await Until(() => outbox.Count == 0, "the restored group send");
        Assert.Equal(["g1"], _hub.GroupSendAttempts.Select(a => a.ClientMsgId));
        await Until(() => store.LoadAsync("me", 10, default).Result.GroupOutbox.Count == 0, "the confirmed send leaving the store");
    }

    [Fact]
    public async Task AStoreWithoutGroupSupportFailsAGroupSendClearlyAndLeavesCToCSendsAlone()
    {
        await using var outbox = new Outbox(_hub, 100, TimeSpan.FromMilliseconds(1), TimeSpan.FromMilliseconds(5), (_, _) => { })
        {
            Store = new CToCOnlyStore(),
            StoreUserId = "me",
        };
        await Assert.ThrowsAsync<NotSupportedException>(() => outbox.SendGroupAsync(new SendGroupRequest { ClientMsgId = "g", GroupId = "7", Content = "x" }, default).WaitAsync(Bound));
        Assert.Empty(_hub.GroupSendAttempts);
        Assert.Equal(1, (await outbox.SendAsync(new SendRequest { ClientMsgId = "c", ToUserId = "bob", Content = "x" }, default).WaitAsync(Bound)).Seq);
    }

    /// <summary>A store written before group chat: only the C2C members.</summary>
    private sealed class CToCOnlyStore : IClientStateStore
    {
        public Task<ClientState> LoadAsync(string userId, int seenCapacity, CancellationToken cancellationToken) =>
            Task.FromResult(new ClientState([], new Dictionary<string, long>(), []));

        public Task AddSendAsync(string userId, SendRequest request, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task RemoveSendAsync(string userId, string clientMsgId, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task SaveProgressAsync(string userId, IReadOnlyDictionary<string, long> cursors, IReadOnlyList<string> seenMsgIds, int seenCapacity, CancellationToken cancellationToken) =>
            Task.CompletedTask;
    }
}
