using System.Globalization;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Messaging;

namespace ImSignalR.UnitTests.Domain;

public sealed class AckAndSweeperTests
{
    private static async Task<SendResult> SendAsync(ServiceHarness h, string id) =>
        await h.Send.SendAsync("alice", new SendRequest { ClientMsgId = id, ToUserId = "bob", Content = "x", MsgFormat = 1 }, null, default);

    [Fact]
    public async Task AckingRaisesStatusOnceAndNotifiesTheSenderOnlyOfRises()
    {
        var h = new ServiceHarness();
        await h.Presence.AddConnectionAsync("bob", "c", default);
        var sent = await SendAsync(h, "a");

        Assert.Equal(1, (await h.Ack.AckAsync("bob", new AckRequest { MsgIds = [sent.MsgId], Status = "Read" }, default)).Acked);
        Assert.Equal(1, (await h.Ack.AckAsync("bob", new AckRequest { MsgIds = [sent.MsgId], Status = "Delivered" }, default)).Acked);

        Assert.Equal("Read", Assert.Single(h.Pusher.Statuses).Status);
        Assert.Equal(MessageStatus.Read, h.Store.Messages[long.Parse(sent.MsgId, CultureInfo.InvariantCulture)].Status);
        Assert.Equal(0, await h.Retry.CountAsync(default));
    }

    [Fact]
    public async Task ABatchWithOneForeignIdIsRefusedWhole()
    {
        var h = new ServiceHarness();
        var mine = await SendAsync(h, "a");
        var theirs = await h.Send.SendAsync("carol", new SendRequest { ClientMsgId = "z", ToUserId = "dave", Content = "x", MsgFormat = 1 }, null, default);
        var before = h.Store.Applied.Count;

        var error = await Assert.ThrowsAsync<ImException>(() => h.Ack.AckAsync("bob", new AckRequest { MsgIds = [mine.MsgId, theirs.MsgId], Status = "Read" }, default));

        Assert.Equal(ImErrorCode.Forbidden, error.Code);
        Assert.Equal(before, h.Store.Applied.Count);
    }

    [Fact]
    public async Task AnAckReadsOnlyTheMessagesWithoutARetryEntryFromTheStore()
    {
        var h = new ServiceHarness();
        var offline = await SendAsync(h, "a"); // bob offline: no retry entry
        await h.Presence.AddConnectionAsync("bob", "c", default);
        var pushed = await SendAsync(h, "b"); // pushed: retry entry holds the message
        var offlineId = long.Parse(offline.MsgId, CultureInfo.InvariantCulture);

        var eve = await Assert.ThrowsAsync<ImException>(() => h.Ack.AckAsync("eve", new AckRequest { MsgIds = [pushed.MsgId], Status = "Read" }, default));
        Assert.Equal(ImErrorCode.Forbidden, eve.Code);
        Assert.Empty(h.Store.ByIdReads);

        Assert.Equal(2, (await h.Ack.AckAsync("bob", new AckRequest { MsgIds = [pushed.MsgId, offline.MsgId], Status = "Delivered" }, default)).Acked);

        Assert.Equal([offlineId], Assert.Single(h.Store.ByIdReads));
        Assert.All(h.Store.Messages.Values, m => Assert.Equal(MessageStatus.Delivered, m.Status));
        Assert.Equal(2, h.Pusher.Statuses.Count);
        Assert.Equal(0, await h.Retry.CountAsync(default));
    }

    [Fact]
    public async Task UnknownIdsAckNothing()
    {
        var h = new ServiceHarness();
        Assert.Equal(0, (await h.Ack.AckAsync("bob", new AckRequest { MsgIds = ["12345"], Status = "Delivered" }, default)).Acked);
    }

    [Fact]
    public async Task TheSweeperReplaysWithBackoffThenMarksOfflineWhenTheBudgetIsSpent()
    {
        var h = new ServiceHarness(); // delays 5 s, 15 s: two replays
        await h.Presence.AddConnectionAsync("bob", "c", default);
        await SendAsync(h, "a");
        Assert.Single(h.Pusher.ToRecipient);

        Assert.Equal(0, await h.Sweeper.SweepOnceAsync(default)); // not due yet
        h.Time.Advance(TimeSpan.FromSeconds(5));
        Assert.Equal(1, await h.Sweeper.SweepOnceAsync(default));
        Assert.Equal(2, h.Pusher.ToRecipient.Count);

        h.Time.Advance(TimeSpan.FromSeconds(14));
        Assert.Equal(0, await h.Sweeper.SweepOnceAsync(default)); // backoff: 15 s now
        h.Time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await h.Sweeper.SweepOnceAsync(default));
        Assert.Equal(3, h.Pusher.ToRecipient.Count);

        h.Time.Advance(TimeSpan.FromSeconds(15));
        Assert.Equal(1, await h.Sweeper.SweepOnceAsync(default)); // budget spent: dropped, not pushed
        Assert.Equal(3, h.Pusher.ToRecipient.Count);
        Assert.Equal(0, await h.Retry.CountAsync(default));
        Assert.Single(h.Store.Applied.OfType<MessageOffline>());
    }

    [Fact]
    public async Task TheSweeperDropsEntriesOfRecipientsWhoLeft()
    {
        var h = new ServiceHarness();
        await h.Presence.AddConnectionAsync("bob", "c", default);
        await SendAsync(h, "a");
        await h.Presence.RemoveConnectionAsync("bob", "c", default);

        h.Time.Advance(TimeSpan.FromSeconds(5));
        await h.Sweeper.SweepOnceAsync(default);

        Assert.Single(h.Pusher.ToRecipient);
        Assert.Equal(0, await h.Retry.CountAsync(default));
        Assert.Single(h.Store.Applied.OfType<MessageOffline>());
    }

    [Fact]
    public async Task AnAckWhileLeasedWinsOverTheReschedule()
    {
        var h = new ServiceHarness();
        await h.Presence.AddConnectionAsync("bob", "c", default);
        var sent = await SendAsync(h, "a");
        h.Time.Advance(TimeSpan.FromSeconds(5));
        var claimed = await h.Retry.ClaimDueAsync(h.Time.GetUtcNow(), 10, TimeSpan.FromSeconds(30), default);
        await h.Ack.AckAsync("bob", new AckRequest { MsgIds = [sent.MsgId], Status = "Delivered" }, default);

        Assert.False(await h.Retry.RescheduleAsync(claimed.Single(), h.Time.GetUtcNow(), default));
        Assert.Equal(0, await h.Retry.CountAsync(default));
    }

    [Fact]
    public async Task SyncAndHistoryEnforceMembershipAndPageLimits()
    {
        var h = new ServiceHarness();
        await SendAsync(h, "a");
        Assert.Equal(ImErrorCode.Forbidden, (await Assert.ThrowsAsync<ImException>(() => h.Query.SyncAsync("carol", new SyncRequest { ChatId = "c2c:alice:bob" }, default))).Code);
        Assert.Equal(ImErrorCode.PageTooLarge, (await Assert.ThrowsAsync<ImException>(() => h.Query.SyncAsync("bob", new SyncRequest { Limit = 201 }, default))).Code);
        Assert.Equal(ImErrorCode.InvalidArgument, (await Assert.ThrowsAsync<ImException>(() => h.Query.SyncAsync("bob", new SyncRequest { Limit = 0 }, default))).Code);
        var sync = await h.Query.SyncAsync("bob", null, default);
        Assert.Single(sync.Messages);
        Assert.Equal(1, sync.MaxSeqByChat["c2c:alice:bob"]);
    }
}
