using System.Collections.Concurrent;
using ImSignalR.Client;
using ImSignalR.Contracts;
using ImSignalR.Client.Reliability;

namespace ImSignalR.UnitTests.Client;

public sealed class InboxTests : IDisposable
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly FakeHub _hub = new();
    private readonly ConcurrentQueue<ImMessage> _released = new();
    private readonly ConcurrentQueue<ImMessage> _repeats = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Inbox _inbox;

    public InboxTests()
    {
        var settings = new InboxSettings { DedupeCapacity = 1000, SyncPageSize = 2, HoleRetryDelays = [TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(10)] };
        _inbox = new Inbox(settings, _hub, _released.Enqueue, _repeats.Enqueue, () => "me", _stopping.Token);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private long[] ReleasedSeqs(string chatId = "c2c:me:peer") => _released.Where(m => m.ChatId == chatId).Select(m => m.Seq).ToArray();

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
    public void APushRepeatedByTheServerIsReleasedOnceAndTheRepeatsAreReportedForAcking()
    {
        var message = _hub.Store("c2c:me:peer", 1);
        _inbox.OnPush(message);
        _inbox.OnPush(message);
        _inbox.OnPush(message with { });

        Assert.Equal([1L], ReleasedSeqs());
        Assert.Equal(2, _repeats.Count);
        Assert.Empty(_hub.Syncs);
    }

    [Fact]
    public async Task APushThatSkipsAheadSyncsTheChatAndPushesDuringTheSyncWaitAndComeOutInOrder()
    {
        var stored = Enumerable.Range(1, 7).Select(i => _hub.Store("c2c:me:peer", i)).ToArray();
        _hub.SyncGate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _inbox.OnPush(stored[0]);
        _inbox.OnPush(stored[3]); // seq 4: 2 and 3 are missing
        await Until(() => _hub.Syncs.Count == 1, "the gap sync");
        Assert.Equal(("c2c:me:peer", 1L), _hub.Syncs[0]);

        // While the sync is held: pushes are buffered, even the next expected ones.
        _inbox.OnPush(stored[6]);
        _inbox.OnPush(stored[4]);
        _inbox.OnPush(stored[1]);
        Assert.Equal([1L], ReleasedSeqs());

        _hub.SyncGate.SetResult();
        await Until(() => ReleasedSeqs().Length == 7, "all seven");
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], ReleasedSeqs());
        Assert.Equal(stored.Select(m => m.MsgId), _released.Select(m => m.MsgId));
        // Page size 2: the sync paged.
        Assert.True(_hub.Syncs.Count >= 3);
    }

    [Fact]
    public async Task AHoleTheStoreNeverFillsIsSkippedAfterTheRetriesInsteadOfHoldingMessagesBack()
    {
        _inbox.OnPush(_hub.Store("c2c:me:peer", 1));
        var later = new ImMessage { MsgId = "9", ClientMsgId = "x", ChatId = "c2c:me:peer", Seq = 5, FromUserId = "peer", ToUserId = "me", Content = "", MsgFormat = 1, SendTime = 0, Status = 1 };
        _inbox.OnPush(later); // seq 5 pushed, but the store has only seq 1 (a jump forward, or a lagging store)

        await Until(() => ReleasedSeqs().Length == 2, "the jump");
        Assert.Equal([1L, 5], ReleasedSeqs());
        Assert.Equal(3, _hub.Syncs.Count); // first try + two retries
    }

    [Fact]
    public void MessagesThisClientSentTakeTheirSeqsWithoutReachingTheApp()
    {
        _inbox.ExpectOwn("mine-1");
        _inbox.OnOwnSend("mine-1", new SendResult { MsgId = "500", ChatId = "c2c:me:peer", Seq = 1, ServerTime = 0, Duplicate = false });
        _inbox.OnPush(_hub.Store("c2c:me:peer", 2));

        Assert.Equal([2L], ReleasedSeqs());
        Assert.Empty(_hub.Syncs);
    }

    [Fact]
    public async Task AResyncFetchesEveryChatFromItsLastSeqPageByPageAndReleasesBufferedPushesAfterIt()
    {
        _inbox.OnPush(_hub.Store("c2c:me:peer", 1));
        _inbox.BeginResync(); // connection lost
        for (var i = 2; i <= 6; i++)
        {
            _hub.Store("c2c:me:peer", i);
        }
        var other = Enumerable.Range(1, 3).Select(i => _hub.Store("c2c:me:zed", i)).ToArray();
        var pushedDuringResync = _hub.Store("c2c:me:peer", 7);
        _inbox.OnPush(pushedDuringResync);
        Assert.Equal([1L], ReleasedSeqs());

        // Between rounds the client flushes its Delivered acks, which moves the undelivered page on.
        await _inbox.ResyncAsync(_hub, ct => _hub.AckAsync(_released.Select(m => m.MsgId).ToArray(), "Delivered", ct), 10, CancellationToken.None).WaitAsync(Bound);

        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], ReleasedSeqs());
        Assert.Equal([1L, 2, 3], ReleasedSeqs("c2c:me:zed"));
        Assert.Contains(("c2c:me:peer", 1L), _hub.Syncs);
        Assert.Equal(other.Length + 7, _released.Select(m => m.MsgId).Distinct().Count());
        Assert.Equal(7, _inbox.LastSeqByChat["c2c:me:peer"]);
    }

    [Fact]
    public async Task ABackgroundSyncThatFailsAtOnceBacksOffInsteadOfStartingTheNextSyncStraightAway()
    {
        // The connection died before the client noticed: every chat sync fails at once with a transport error.
        _hub.ChatSyncFailure = () => new ImConnectionException("connection closed");
        var stored = Enumerable.Range(1, 3).Select(i => _hub.Store("c2c:me:peer", i)).ToArray();
        _inbox.OnPush(stored[0]);
        _inbox.OnPush(stored[2]); // seq 3: a hole at 2 starts a background sync
        await Task.Delay(TimeSpan.FromSeconds(1));
        // Backoff from 250 ms doubling: a handful of attempts in a second, not thousands.
        Assert.InRange(_hub.Syncs.Count, 1, 5);

        _hub.ChatSyncFailure = null;
        await Until(() => ReleasedSeqs().Length == 3, "the hole filled once syncs succeed");
        Assert.Equal([1L, 2L, 3L], ReleasedSeqs());
    }
}
