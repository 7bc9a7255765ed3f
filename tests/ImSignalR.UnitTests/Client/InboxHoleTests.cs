using System.Collections.Concurrent;
using System.Diagnostics;
using ImSignalR.Contracts;
using ImSignalR.Client.Reliability;

namespace ImSignalR.UnitTests.Client;

/// <summary>
/// A seq allocated on one hub node may still be committing while a later one, committed on another node, is already
/// in the store: a sync page then lacks a seq that is not a jump. The inbox holds what lies above it and fetches again
/// after each hole retry delay. These tests run on real time with 1 s rounds (the default's first is 250 ms): a step
/// a test takes "before the first round" must stay before it on a loaded CI machine (with 250 ms one did not).
/// </summary>
public sealed class InboxHoleTests : IDisposable
{
    private const string Chat = "c2c:me:peer";
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly FakeHub _hub = new();
    private readonly ConcurrentQueue<ImMessage> _released = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Inbox _inbox;

    public InboxHoleTests()
    {
        var settings = new InboxSettings { DedupeCapacity = 1000, SyncPageSize = 200, HoleRetryDelays = [TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)] };
        _inbox = new Inbox(settings, _hub, _released.Enqueue, _ => { }, () => "me", _stopping.Token);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private long[] ReleasedSeqs(string chatId = Chat) => _released.Where(m => m.ChatId == chatId).Select(m => m.Seq).ToArray();

    /// <summary>A message as pushed, before (or without) its commit reaching the store.</summary>
    private static ImMessage InFlight(string chatId, long seq) => new()
    {
        MsgId = $"inflight-{chatId}-{seq}",
        ClientMsgId = $"c{seq}",
        ChatId = chatId,
        Seq = seq,
        FromUserId = "peer",
        ToUserId = "me",
        Content = "",
        MsgFormat = 1,
        SendTime = seq,
        Status = 1,
    };

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(5);
        }
    }

    /// <summary>Cursor 4; the store has 1..4 and 6 (5 is still committing); the push of 6 arrives first and its sync's page is [6].</summary>
    private async Task AtFourWithSixAheadAsync(string chatId = Chat)
    {
        for (var seq = 1; seq <= 4; seq++)
        {
            _hub.Store(chatId, seq);
        }
        var six = _hub.Store(chatId, 6);
        _inbox.Restore(new Dictionary<string, long> { [chatId] = 4 }, []);
        _inbox.OnPush(six);
        await Until(() => _hub.Syncs.Count == 1, "the gap sync");
    }

    [Fact]
    public async Task APageMissingASeqStillInFlightHoldsWhatIsAboveUntilThePushOfThatSeqArrives()
    {
        await AtFourWithSixAheadAsync();
        await Task.Delay(100);
        Assert.Empty(ReleasedSeqs());

        _inbox.OnPush(InFlight(Chat, 5));
        Assert.Equal([5L, 6], ReleasedSeqs());

        // The wait ended with the push: no further round, no repeat, and the stream goes on.
        await Task.Delay(1_500);
        Assert.Single(_hub.Syncs);
        _inbox.OnPush(InFlight(Chat, 5));
        _inbox.OnPush(_hub.Store(Chat, 7));
        Assert.Equal([5L, 6, 7], ReleasedSeqs());
    }

    [Fact]
    public async Task AHoleFilledOnlyInTheNextRoundsPageIsReleasedInOrder()
    {
        var clock = Stopwatch.StartNew();
        await AtFourWithSixAheadAsync();
        _hub.Store(Chat, 5); // committed now; its push is lost
        await Until(() => ReleasedSeqs().Length == 2, "5 and 6");
        Assert.Equal([5L, 6], ReleasedSeqs());
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(240), "released before the first round");
        Assert.Equal(2, _hub.Syncs.Count);
        Assert.All(_hub.Syncs, s => Assert.Equal((Chat, 4L), (s.ChatId, s.AfterSeq)));
    }

    [Fact]
    public async Task AHoleThatOutlastsEveryRoundIsAJumpAndLaterMessagesFlow()
    {
        var clock = Stopwatch.StartNew();
        await AtFourWithSixAheadAsync();
        await Until(() => ReleasedSeqs().Length == 1, "the jump");
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(1_200), "jumped before the rounds were over");
        Assert.Equal([6L], ReleasedSeqs());
        Assert.Equal(3, _hub.Syncs.Count); // the sync and two rounds

        _inbox.OnPush(InFlight(Chat, 5)); // too late: below the cursor now
        _inbox.OnPush(_hub.Store(Chat, 7));
        Assert.Equal([6L, 7], ReleasedSeqs());
    }

    [Fact]
    public async Task StoppingDuringTheWaitEndsItWithoutAnotherFetch()
    {
        await AtFourWithSixAheadAsync();
        await Task.Delay(50);
        await _stopping.CancelAsync();
        await Task.Delay(1_500);
        Assert.Single(_hub.Syncs);
        Assert.Empty(_released);
    }

    [Fact]
    public async Task AGroupFollowsTheSameRule()
    {
        await AtFourWithSixAheadAsync("grp:g1");
        await Task.Delay(100);
        Assert.Empty(ReleasedSeqs("grp:g1"));
        _inbox.OnPush(InFlight("grp:g1", 5));
        Assert.Equal([5L, 6], ReleasedSeqs("grp:g1"));
    }

    [Fact]
    public async Task AnOwnSendThatTakesTheMissingSeqFillsTheHole()
    {
        await AtFourWithSixAheadAsync();
        await Task.Delay(100);
        Assert.Empty(ReleasedSeqs());
        _inbox.ExpectOwn("mine");
        _inbox.OnOwnSend("mine", new SendResult { MsgId = "own-5", ChatId = Chat, Seq = 5, ServerTime = 0, Duplicate = false });
        Assert.Equal([6L], ReleasedSeqs());
    }

    [Fact]
    public async Task PagingStopsAtAHoleAndGoesOnOnceItIsFilled()
    {
        var small = new Inbox(new InboxSettings { DedupeCapacity = 1000, SyncPageSize = 2, HoleRetryDelays = [TimeSpan.FromSeconds(5)] }, _hub, _released.Enqueue, _ => { }, () => "me", _stopping.Token);
        foreach (var seq in new long[] { 1, 2, 4, 5, 6, 7 })
        {
            _hub.Store(Chat, seq);
        }
        small.Restore(new Dictionary<string, long> { [Chat] = 0 }, []);
        small.OnPush(InFlight(Chat, 7) with { MsgId = "seven" });
        await Until(() => ReleasedSeqs().Length == 2, "1 and 2");
        await Task.Delay(100);
        Assert.Equal([(Chat, 0L), (Chat, 2L)], _hub.Syncs.Select(s => (s.ChatId!, s.AfterSeq!.Value)));

        var clock = Stopwatch.StartNew();
        small.OnPush(InFlight(Chat, 3));
        await Until(() => ReleasedSeqs().Length == 7, "all seven");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), "waited out the round instead of reading on");
        Assert.Equal([1L, 2, 3, 4, 5, 6, 7], ReleasedSeqs());
        Assert.Equal((Chat, 5L), (_hub.Syncs[2].ChatId!, _hub.Syncs[2].AfterSeq!.Value));
    }

    [Fact]
    public async Task TheResyncDoesNotWaitOutAHoleAndHandsItToABackgroundSync()
    {
        for (var seq = 1; seq <= 4; seq++)
        {
            _hub.Store(Chat, seq);
        }
        _hub.Store(Chat, 6);
        _hub.Store("c2c:me:other", 1, "other");
        _inbox.Restore(new Dictionary<string, long> { [Chat] = 4, ["c2c:me:other"] = 0 }, []);
        var clock = Stopwatch.StartNew();
        await _inbox.ResyncAsync(_hub, _ => Task.CompletedTask, 10, CancellationToken.None).WaitAsync(Bound);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(1), "the resync waited out the hole");
        Assert.Equal([1L], ReleasedSeqs("c2c:me:other"));
        Assert.Empty(ReleasedSeqs());

        _inbox.OnPush(InFlight(Chat, 5));
        await Until(() => ReleasedSeqs().Length == 2, "5 and 6");
        Assert.Equal([5L, 6], ReleasedSeqs());
    }
}
