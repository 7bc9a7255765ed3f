using System.Collections.Concurrent;
using ImSignalR.Client.Reliability;
using ImSignalR.Contracts;

namespace ImSignalR.UnitTests.Client;

/// <summary>
/// A hole that outlasts the rounds is a jump, but only as far as the sync read: the TypeScript SDK's chaos test lost
/// the pushes of a socket cut because the jump also released held pushes above a second gap the store could fill.
/// </summary>
public sealed class InboxJumpTests : IDisposable
{
    private const string Chat = "c2c:me:peer";
    private readonly FakeHub _hub = new();
    private readonly ConcurrentQueue<ImMessage> _released = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Inbox _inbox;

    public InboxJumpTests()
    {
        // Pages of 3, so the sync stops at the hole's page before it reaches the second gap.
        var settings = new InboxSettings { DedupeCapacity = 1000, SyncPageSize = 3, HoleRetryDelays = [TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(200)] };
        _inbox = new Inbox(settings, _hub, _released.Enqueue, _ => { }, () => "me", _stopping.Token);
    }

    public void Dispose()
    {
        _stopping.Cancel();
        _stopping.Dispose();
    }

    private long[] ReleasedSeqs() => _released.Select(m => m.Seq).ToArray();

    [Fact]
    public async Task AJumpReleasesOnlyUpToWhatTheSyncReadAndTheStoreFillsTheSecondGap()
    {
        // Seq 1 was taken and never committed (a real jump). The store has 2..8; 6's push was lost in a cut.
        var stored = Enumerable.Range(2, 7).ToDictionary(seq => (long)seq, seq => _hub.Store(Chat, seq));
        _inbox.Restore(new Dictionary<string, long> { [Chat] = 0 }, []);
        foreach (var seq in new long[] { 2, 3, 4, 5, 7, 8 })
        {
            _inbox.OnPush(stored[seq]);
        }

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (ReleasedSeqs().Length < 7)
        {
            Assert.True(DateTime.UtcNow < deadline, "released only " + string.Join(",", ReleasedSeqs()));
            await Task.Delay(10);
        }
        Assert.Equal([2L, 3, 4, 5, 6, 7, 8], ReleasedSeqs());
        // After the jump the sync read on from 5 and found 6 in the store.
        Assert.Contains(_hub.Syncs, s => s.ChatId == Chat && s.AfterSeq == 5);
    }

    [Fact]
    public async Task HeldPushesTheStoreNeverReturnedAreReleasedTogetherAfterTheRounds()
    {
        // Cursor 4; only pushes of 6 and 7 arrive, and the store (lagging, as with RocketMQ) returns nothing after 4.
        _inbox.Restore(new Dictionary<string, long> { [Chat] = 4 }, []);
        _inbox.OnPush(new ImMessage { MsgId = "m6", ClientMsgId = "c6", ChatId = Chat, Seq = 6, FromUserId = "peer", ToUserId = "me", Content = "", MsgFormat = 1, SendTime = 6, Status = 1 });
        _inbox.OnPush(new ImMessage { MsgId = "m7", ClientMsgId = "c7", ChatId = Chat, Seq = 7, FromUserId = "peer", ToUserId = "me", Content = "", MsgFormat = 1, SendTime = 7, Status = 1 });

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (ReleasedSeqs().Length < 2)
        {
            Assert.True(DateTime.UtcNow < deadline, "released only " + string.Join(",", ReleasedSeqs()));
            await Task.Delay(10);
        }
        Assert.Equal([6L, 7], ReleasedSeqs());
    }
}
