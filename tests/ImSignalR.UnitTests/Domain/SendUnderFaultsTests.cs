using System.Globalization;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Services;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImSignalR.UnitTests.Domain;

/// <summary>Issue 14 items 1, 2 and 4: a crashed holder of a dedupe key, the replay scheduled before the commit, Redis away.</summary>
public sealed class SendUnderFaultsTests
{
    private static SendRequest Request(string clientMsgId = "c1") =>
        new() { ClientMsgId = clientMsgId, ToUserId = "bob", Content = "hi", MsgFormat = 1 };

    private static MessagingOptions DirectLog() =>
        new() { RetryDelays = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)], StoreIsTheLog = true };

    private static long Id(SendResult result) => long.Parse(result.MsgId, CultureInfo.InvariantCulture);

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task AKeyStillPendingForAMessageTheStoreHasIsAnsweredAsADuplicateAtOnce(bool storeIsTheLog)
    {
        // The node that reserved "c1" committed the message and died before completing the dedupe record.
        var h = new ServiceHarness(new MessagingOptions { StoreIsTheLog = storeIsTheLog });
        var first = await h.Send.SendAsync("alice", Request(), null, default);
        h.Time.Advance(h.Options.DedupeWindow + TimeSpan.FromSeconds(1)); // the cache forgets the completed record…
        var again = await h.Dedupe.TryReserveAsync("alice", "c1", TimeSpan.FromSeconds(30), default);
        Assert.Equal(DedupeState.Reserved, again.State); // …and leave a pending reservation in its place
        var pushes = h.Pusher.ToRecipient.Count;

        var resend = await h.Send.SendAsync("alice", Request(), null, default);

        Assert.True(resend.Duplicate);
        Assert.Equal(first.MsgId, resend.MsgId);
        Assert.Equal(first.Seq, resend.Seq);
        Assert.Equal(pushes, h.Pusher.ToRecipient.Count);
        Assert.Equal(DedupeState.Completed, (await h.Dedupe.TryReserveAsync("alice", "c1", TimeSpan.FromSeconds(30), default)).State);
    }

    [Fact]
    public async Task AKeyPendingWithNothingStoredGoesThroughWhenTheStoreDecidesAndIsRefusedWhenTheLogIsAhead()
    {
        var direct = new ServiceHarness(DirectLog());
        await direct.Dedupe.TryReserveAsync("alice", "c1", TimeSpan.FromSeconds(30), default); // holder died before its commit
        var accepted = await direct.Send.SendAsync("alice", Request(), null, default);
        Assert.False(accepted.Duplicate);
        Assert.Single(direct.Store.Messages);

        var rocketMq = new ServiceHarness(new MessagingOptions { StoreIsTheLog = false });
        await rocketMq.Dedupe.TryReserveAsync("alice", "c1", TimeSpan.FromSeconds(30), default);
        var error = await Assert.ThrowsAsync<ImException>(() => rocketMq.Send.SendAsync("alice", Request(), null, default));
        Assert.Equal(ImErrorCode.SendInProgress, error.Code);
        Assert.Empty(rocketMq.Store.Messages);
    }

    [Fact]
    public async Task TheReplayIsScheduledBeforeTheMessageReachesTheLog()
    {
        var h = new ServiceHarness(DirectLog());
        await h.Presence.AddConnectionAsync("bob", "c-bob", default);
        var entriesAtAppend = -1L;
        h.Log.OnAppend = async e =>
        {
            if (e is MessageSent)
            {
                entriesAtAppend = await h.Retry.CountAsync(default);
            }
        };

        await h.Send.SendAsync("alice", Request(), null, default);

        // A node that dies right after this commit leaves the entry, and another node's sweeper pushes it (G4).
        Assert.Equal(1, entriesAtAppend);
        Assert.Equal(1, await h.Retry.CountAsync(default));
    }

    [Fact]
    public async Task AFailedOrDuplicateAppendTakesItsReplayEntryBack()
    {
        var h = new ServiceHarness(DirectLog());
        await h.Presence.AddConnectionAsync("bob", "c-bob", default);
        h.Log.Down = true;
        await Assert.ThrowsAsync<ImException>(() => h.Send.SendAsync("alice", Request(), null, default));
        Assert.Equal(0, await h.Retry.CountAsync(default));

        h.Log.Down = false;
        var first = await h.Send.SendAsync("alice", Request("c2"), null, default);
        h.Time.Advance(h.Options.DedupeWindow + TimeSpan.FromSeconds(1)); // the cache forgets "c2"; the store does not
        var duplicate = await h.Send.SendAsync("alice", Request("c2"), null, default);
        Assert.True(duplicate.Duplicate);
        Assert.Equal(first.MsgId, duplicate.MsgId);
        Assert.Equal(1, await h.Retry.CountAsync(default)); // only the first message's entry
    }

    [Fact]
    public async Task ARedisOutageInTheDirectLogModesLeavesTheStoreToDecideDedupeAndSeq()
    {
        var cluster = new AwayAllocator();
        StoreFallbackSequenceAllocator? fallback = null;
        var h = new ServiceHarness(DirectLog(), dedupe: _ => new AwayDedupe(),
            sequences: s => fallback = new StoreFallbackSequenceAllocator(cluster, s.Store, s.Metrics, s.Time, NullLogger<StoreFallbackSequenceAllocator>.Instance));
        cluster.Next = 7;
        var before = await h.Send.SendAsync("alice", Request("a"), null, default);
        cluster.Away = true;

        var during = await h.Send.SendAsync("alice", Request("b"), null, default);
        var resend = await h.Send.SendAsync("alice", Request("b"), null, default);

        Assert.Equal(8, before.Seq);
        Assert.Equal(9, during.Seq); // the store's max + 1
        Assert.True(resend.Duplicate); // the store's unique key, not the cache
        Assert.Equal(during.MsgId, resend.MsgId);
        Assert.Equal(2, h.Store.Messages.Count);

        cluster.Away = false; // Redis is back, its counter still at 8
        var after = await h.Send.SendAsync("alice", Request("c"), null, default);
        // The resend took seq 10 before the store answered it as a duplicate (a gap, allowed); back on Redis the
        // counter is raised past every seq handed out meanwhile: no conflict, no repeat.
        Assert.Equal(11, after.Seq);
        Assert.Equal(0, fallback!.TrackedChats);
    }

    [Fact]
    public async Task WithTheRocketMqLogARedisOutageStillRefusesSends()
    {
        var h = new ServiceHarness(new MessagingOptions { StoreIsTheLog = false }, dedupe: _ => new AwayDedupe());
        var error = await Assert.ThrowsAsync<ImException>(() => h.Send.SendAsync("alice", Request(), null, default));
        Assert.Equal(ImErrorCode.StateUnavailable, error.Code);
        Assert.Empty(h.Store.Messages);
    }

    /// <summary>A Redis allocator: a counter, or IM_STATE_UNAVAILABLE while <see cref="Away"/>.</summary>
    internal sealed class AwayAllocator : ISequenceAllocator
    {
        public bool Away { get; set; }
        public long Next { get; set; }
        public List<long> Reseeds { get; } = [];

        public ValueTask<long> NextAsync(string chatId, CancellationToken cancellationToken) =>
            Away ? throw Unavailable() : ValueTask.FromResult(++Next);

        public ValueTask ReseedAsync(string chatId, long storeMaxSeq, CancellationToken cancellationToken)
        {
            if (Away)
            {
                throw Unavailable();
            }
            Reseeds.Add(storeMaxSeq);
            Next = Math.Max(Next, storeMaxSeq);
            return ValueTask.CompletedTask;
        }
    }

    private sealed class AwayDedupe : IDedupeCache
    {
        public ValueTask<DedupeLookup> TryReserveAsync(string fromUserId, string clientMsgId, TimeSpan pendingTtl, CancellationToken cancellationToken) => throw Unavailable();
        public ValueTask CompleteAsync(string fromUserId, string clientMsgId, DedupeRecord record, TimeSpan window, CancellationToken cancellationToken) => throw Unavailable();
        public ValueTask ReleaseAsync(string fromUserId, string clientMsgId, CancellationToken cancellationToken) => throw Unavailable();
    }

    private static ImException Unavailable() => new(ImErrorCode.StateUnavailable, "Redis away");
}
