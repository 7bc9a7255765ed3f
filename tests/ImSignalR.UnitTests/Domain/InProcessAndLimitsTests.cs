using ImSignalR.Specification.ClusterState;
using ImSignalR.Contracts;
using ImSignalR.Domain.Direct;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.InProcess;
using ImSignalR.Domain.Limits;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImSignalR.UnitTests.Domain;

public sealed class InProcessAndLimitsTests
{
    [Fact]
    public void TheTokenBucketAllowsTheBurstThenTheRate()
    {
        var time = new ManualTime(DateTimeOffset.UnixEpoch);
        var bucket = new TokenBucket(20, 40, time);
        Assert.Equal(40, Enumerable.Range(0, 100).Count(_ => bucket.TryTake()));
        time.Advance(TimeSpan.FromMilliseconds(500));
        Assert.Equal(10, Enumerable.Range(0, 100).Count(_ => bucket.TryTake()));
        time.Advance(TimeSpan.FromHours(1));
        Assert.Equal(40, Enumerable.Range(0, 100).Count(_ => bucket.TryTake())); // never banks beyond the burst
    }

    [Fact]
    public async Task DedupeReservationsArePendingThenCompletedAndExpire()
    {
        var time = new ManualTime(DateTimeOffset.UnixEpoch);
        var cache = new InProcessDedupeCache(time);
        Assert.Equal(DedupeState.Reserved, (await cache.TryReserveAsync("a", "1", TimeSpan.FromSeconds(30), default)).State);
        Assert.Equal(DedupeState.Pending, (await cache.TryReserveAsync("a", "1", TimeSpan.FromSeconds(30), default)).State);
        await cache.CompleteAsync("a", "1", new DedupeRecord(9, "c", 1, 0), TimeSpan.FromHours(24), default);
        var done = await cache.TryReserveAsync("a", "1", TimeSpan.FromSeconds(30), default);
        Assert.Equal(DedupeState.Completed, done.State);
        Assert.Equal(9, done.Record!.MsgId);
        await cache.ReleaseAsync("a", "1", default); // a completed result survives a late release
        Assert.Equal(DedupeState.Completed, (await cache.TryReserveAsync("a", "1", TimeSpan.FromSeconds(30), default)).State);

        Assert.Equal(DedupeState.Reserved, (await cache.TryReserveAsync("a", "2", TimeSpan.FromSeconds(30), default)).State);
        time.Advance(TimeSpan.FromSeconds(31)); // a crashed send's reservation runs out
        Assert.Equal(DedupeState.Reserved, (await cache.TryReserveAsync("a", "2", TimeSpan.FromSeconds(30), default)).State);
        time.Advance(TimeSpan.FromHours(25));
        Assert.Equal(DedupeState.Reserved, (await cache.TryReserveAsync("a", "1", TimeSpan.FromSeconds(30), default)).State);
    }

    [Fact]
    public async Task TheDedupeCacheForgetsItsOldestKeysBeyondItsBound()
    {
        var time = new ManualTime(DateTimeOffset.UnixEpoch);
        var cache = new InProcessDedupeCache(time, maxEntries: 100);
        for (var i = 0; i < 1000; i++)
        {
            var id = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
            await cache.TryReserveAsync("a", id, TimeSpan.FromSeconds(30), default);
            await cache.CompleteAsync("a", id, new DedupeRecord(i + 1, "c", i + 1, 0), TimeSpan.FromHours(24), default);
        }

        Assert.InRange(cache.Count, 50, 100); // 100 writes remembered: reserve + complete per key
        Assert.Equal(DedupeState.Completed, (await cache.TryReserveAsync("a", "999", TimeSpan.FromSeconds(30), default)).State);
        Assert.Equal(DedupeState.Reserved, (await cache.TryReserveAsync("a", "0", TimeSpan.FromSeconds(30), default)).State);
    }

    [Fact]
    public async Task TheDedupeCacheDropsExpiredKeysAsItIsWritten()
    {
        var time = new ManualTime(DateTimeOffset.UnixEpoch);
        var cache = new InProcessDedupeCache(time);
        for (var i = 0; i < 500; i++)
        {
            await cache.CompleteAsync("a", "old" + i, new DedupeRecord(i + 1, "c", i + 1, 0), TimeSpan.FromMinutes(1), default);
        }
        time.Advance(TimeSpan.FromMinutes(2));
        for (var i = 0; i < 200; i++)
        {
            await cache.CompleteAsync("b", "new" + i, new DedupeRecord(i + 1, "c", i + 1, 0), TimeSpan.FromMinutes(1), default);
        }

        Assert.Equal(200, cache.Count);
    }

    [Fact]
    public async Task TheAllocatorContinuesAboveTheStoreAndNeverGoesBack()
    {
        var store = new FakeStore();
        store.Messages[1] = new ChatMessage(1, "x", "c2c:a:b", 41, "a", "b", "x", 1, null, 0, MessageStatus.Reached);
        var seqs = TestSequences.InProcess(store);
        Assert.Equal(42, await seqs.NextAsync("c2c:a:b", default));
        await seqs.ReseedAsync("c2c:a:b", 10, default);
        Assert.Equal(43, await seqs.NextAsync("c2c:a:b", default));
        await seqs.ReseedAsync("c2c:a:b", 100, default);
        Assert.Equal(101, await seqs.NextAsync("c2c:a:b", default));
        Assert.Equal(1, await seqs.NextAsync("c2c:c:d", default));
    }

    [Fact]
    public async Task AnExpiredLeaseMakesAnEntryDueAgainAndOnlyOneClaimerGetsIt()
    {
        var queue = new InProcessRetryQueue();
        var now = DateTimeOffset.UnixEpoch;
        var message = new ChatMessage(7, "x", "c2c:a:b", 1, "a", "b", "x", 1, null, 0, MessageStatus.Reached);
        await queue.ScheduleAsync(message, now, default);
        await queue.ScheduleAsync(message, now, default); // same id: one entry

        var first = await queue.ClaimDueAsync(now, 10, TimeSpan.FromSeconds(30), default);
        var second = await queue.ClaimDueAsync(now, 10, TimeSpan.FromSeconds(30), default);
        Assert.Single(first);
        Assert.Empty(second);

        var afterLease = await queue.ClaimDueAsync(now.AddSeconds(31), 10, TimeSpan.FromSeconds(30), default);
        Assert.Equal(7, Assert.Single(afterLease).Message.MsgId);
        Assert.Equal(0, afterLease[0].Replays);
    }

    [Fact]
    public async Task TheDirectLogCommitsConcurrentAppendsInBatchesAndFailsABatchAsAWhole()
    {
        var store = new CountingStore();
        await using (var log = new DirectMessageLog(store, TestSequences.Resolver(TestSequences.InProcess(store), store), new DirectLogOptions { MaxBatchSize = 64 },
            NullLogger<DirectMessageLog>.Instance))
        {
            var appends = Enumerable.Range(0, 500).Select(i => log.AppendAsync(Sent(i), default).AsTask()).ToArray();
            var outcomes = await Task.WhenAll(appends);
            Assert.All(outcomes, o => Assert.Equal(AppendStatus.Appended, o.Status));
            Assert.Equal(500, store.Events);
            Assert.True(store.Batches < 500, $"{store.Batches} transactions for 500 appends: no group commit");
            Assert.All(store.BatchSizes, size => Assert.InRange(size, 1, 64));

            store.Fail = true;
            var error = await Assert.ThrowsAsync<ImException>(() => log.AppendAsync(Sent(999), default).AsTask());
            Assert.Equal(ImErrorCode.StoreUnavailable, error.Code);
        }
    }

    private static MessageSent Sent(int i) =>
        new(new ChatMessage(i + 1, $"c{i}", "c2c:a:b", i + 1, "a", "b", "x", 1, null, 0, MessageStatus.Reached));

    private sealed class CountingStore : IMessageStore
    {
        public int Events;
        public int Batches;
        public List<int> BatchSizes { get; } = [];
        public bool Fail;

        public async Task<IReadOnlyList<AppendOutcome>> ApplyAsync(IReadOnlyList<LogEvent> events, CancellationToken cancellationToken)
        {
            await Task.Delay(2, cancellationToken); // a commit takes time, so appends pile up behind it
            if (Fail)
            {
                throw new ImException(ImErrorCode.StoreUnavailable, "down");
            }
            Events += events.Count;
            Batches++;
            BatchSizes.Add(events.Count);
            return events.Select(_ => AppendOutcome.Appended).ToArray();
        }

        public Task<ChatMessage?> FindByClientMsgIdAsync(string fromUserId, string clientMsgId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<ChatMessage>> GetByIdsAsync(IReadOnlyCollection<long> msgIds, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<ChatMessage>> GetAfterSeqAsync(string chatId, long afterSeq, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<ChatMessage>> GetBeforeSeqAsync(string chatId, long beforeSeq, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<ChatMessage>> GetUndeliveredAsync(string toUserId, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyList<ConversationView>> GetConversationsAsync(string userId, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<IReadOnlyDictionary<string, long>> GetLastSeqByChatAsync(string userId, CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task<long> GetMaxSeqAsync(string chatId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<bool> HasAnyMessageAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
        public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
