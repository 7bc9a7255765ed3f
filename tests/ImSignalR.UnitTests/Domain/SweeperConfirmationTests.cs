using ImSignalR.Domain.Messaging;

namespace ImSignalR.UnitTests.Domain;

/// <summary>
/// Sends schedule their replay before the append, so the sweeper pushes a never-replayed entry only once the store
/// has its message (issue 14 item 2).
/// </summary>
public sealed class SweeperConfirmationTests
{
    private static ChatMessage Message(long id, long sendTime) =>
        new(id, "k" + id, "c2c:alice:bob", id, "alice", "bob", "x", 1, null, sendTime, MessageStatus.Reached);

    [Fact]
    public async Task AnEntryWhoseMessageTheStoreNeverGotIsNotPushedAndIsDroppedAfterTheGrace()
    {
        var h = new ServiceHarness();
        await h.Presence.AddConnectionAsync("bob", "c", default);
        var orphan = Message(41, h.Time.GetUtcNow().ToUnixTimeMilliseconds()); // its append failed; removing the entry failed too
        await h.Retry.ScheduleAsync(orphan, h.Time.GetUtcNow() + TimeSpan.FromSeconds(5), default);

        h.Time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(1, await h.Sweeper.SweepOnceAsync(default));
        Assert.Empty(h.Pusher.ToRecipient);
        Assert.Equal(1, await h.Retry.CountAsync(default)); // kept under its lease: the RocketMQ consumer may lag

        h.Time.Advance(h.Options.RetryUnconfirmedGrace);
        await h.Sweeper.SweepOnceAsync(default);
        Assert.Empty(h.Pusher.ToRecipient);
        Assert.Equal(0, await h.Retry.CountAsync(default));
        Assert.DoesNotContain(h.Store.Applied, e => e is MessageOffline); // nothing to mark: the message does not exist
    }

    [Fact]
    public async Task AnEntryIsPushedOnceTheStoreHasItsMessage()
    {
        var h = new ServiceHarness();
        await h.Presence.AddConnectionAsync("bob", "c", default);
        var late = Message(42, h.Time.GetUtcNow().ToUnixTimeMilliseconds());
        await h.Retry.ScheduleAsync(late, h.Time.GetUtcNow() + TimeSpan.FromSeconds(5), default);
        h.Time.Advance(TimeSpan.FromSeconds(6));
        await h.Sweeper.SweepOnceAsync(default);
        Assert.Empty(h.Pusher.ToRecipient);

        h.Store.Messages[late.MsgId] = late; // the consumer caught up
        h.Time.Advance(h.Options.RetryLease);
        Assert.Equal(1, await h.Sweeper.SweepOnceAsync(default));
        Assert.Equal(late.MsgId.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(h.Pusher.ToRecipient).MsgId);
    }

    [Fact]
    public async Task AnEntryOfAMessageTheStoreHasSeenAckedIsDroppedWithoutAPush()
    {
        var h = new ServiceHarness();
        await h.Presence.AddConnectionAsync("bob", "c", default);
        var acked = Message(43, h.Time.GetUtcNow().ToUnixTimeMilliseconds());
        h.Store.Messages[acked.MsgId] = acked with { Status = MessageStatus.Read }; // the ack's removal of the entry failed
        await h.Retry.ScheduleAsync(acked, h.Time.GetUtcNow() + TimeSpan.FromSeconds(5), default);

        h.Time.Advance(TimeSpan.FromSeconds(6));
        await h.Sweeper.SweepOnceAsync(default);

        Assert.Empty(h.Pusher.ToRecipient);
        Assert.Equal(0, await h.Retry.CountAsync(default));
    }

    [Fact]
    public async Task OnlyNeverReplayedEntriesAreLookedUpAndInOneRead()
    {
        var h = new ServiceHarness();
        await h.Presence.AddConnectionAsync("bob", "c", default);
        foreach (var id in new long[] { 50, 51, 52 })
        {
            var m = Message(id, h.Time.GetUtcNow().ToUnixTimeMilliseconds());
            h.Store.Messages[id] = m;
            await h.Retry.ScheduleAsync(m, h.Time.GetUtcNow() + TimeSpan.FromSeconds(5), default);
        }
        h.Time.Advance(TimeSpan.FromSeconds(6));
        await h.Sweeper.SweepOnceAsync(default);
        Assert.Equal(3, h.Pusher.ToRecipient.Count);
        Assert.Equal([50L, 51, 52], Assert.Single(h.Store.ByIdReads).Order());

        h.Time.Advance(TimeSpan.FromSeconds(16)); // second replay: confirmed already, no read
        await h.Sweeper.SweepOnceAsync(default);
        Assert.Equal(6, h.Pusher.ToRecipient.Count);
        Assert.Single(h.Store.ByIdReads);
    }

    [Fact]
    public async Task AnEntryScheduledBeforeTheLogMovedItsSeqIsReplayedAndKeptWithTheStoredSeq()
    {
        var h = new ServiceHarness();
        await h.Presence.AddConnectionAsync("bob", "c", default);
        // Scheduled at seq 43, stored at seq 1043 after a seq conflict; the node died before it could fix the entry.
        var scheduled = Message(43, h.Time.GetUtcNow().ToUnixTimeMilliseconds());
        await h.Retry.ScheduleAsync(scheduled, h.Time.GetUtcNow() + TimeSpan.FromSeconds(5), default);
        h.Store.Messages[scheduled.MsgId] = scheduled with { Seq = 1043 };

        h.Time.Advance(TimeSpan.FromSeconds(6));
        Assert.Equal(1, await h.Sweeper.SweepOnceAsync(default));

        Assert.Equal(1043, Assert.Single(h.Pusher.ToRecipient).Seq);
        Assert.Equal(1043, Assert.Single(await h.Retry.GetPendingAsync([scheduled.MsgId], default)).Seq);
    }
}
