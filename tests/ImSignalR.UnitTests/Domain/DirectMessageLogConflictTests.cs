using ImSignalR.Contracts;
using ImSignalR.Domain.Direct;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using ImSignalR.Specification.ClusterState;
using ImSignalR.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImSignalR.UnitTests.Domain;

/// <summary>
/// The direct log owns the seq conflict (issue 15): a send whose seq the store refuses is given the next free seq and
/// applied again inside the log, so callers see it appended at the stored seq, a duplicate, or a retriable error.
/// </summary>
public sealed class DirectMessageLogConflictTests : IAsyncDisposable
{
    private const string Chat = "c2c:alice:bob";
    private static long s_msgId = 9_300_000_000_000;

    private readonly FakeStore _store = new();
    private readonly ISequenceAllocator _sequences;
    private readonly DirectMessageLog _log;

    public DirectMessageLogConflictTests()
    {
        _sequences = TestSequences.InProcess(_store);
        _log = new DirectMessageLog(_store, TestSequences.Resolver(_sequences, _store), new DirectLogOptions(), NullLogger<DirectMessageLog>.Instance);
    }

    public ValueTask DisposeAsync() => _log.DisposeAsync();

    [Fact]
    public async Task ASendWhoseSeqIsTakenIsStoredAtTheNextFreeSeqUnderItsOwnIdAndTheCounterGoesOnAboveIt()
    {
        // The store holds 1..5 that this allocator never handed out (Redis lost its counters).
        for (var seq = 1; seq <= 5; seq++)
        {
            await _store.ApplyAsync([Sent(seq, $"old-{seq}")], default);
        }
        var sent = Sent(2, "new");

        var outcome = await _log.AppendAsync(sent, default);

        Assert.Equal(AppendStatus.Appended, outcome.Status);
        Assert.Equal(sent.Message with { Seq = 6 }, outcome.Stored);
        Assert.Equal(6, _store.Messages[sent.Message.MsgId].Seq);
        Assert.Equal(7, await _sequences.NextAsync(Chat, default));
    }

    [Fact]
    public async Task ASendStoredAsGivenReportsNoStoredMessage()
    {
        var outcome = await _log.AppendAsync(Sent(1, "a"), default);

        Assert.Equal(new AppendOutcome(AppendStatus.Appended), outcome);
    }

    [Fact]
    public async Task SeveralConflictingSendsOfOneBatchGetDistinctSeqsInTheirOrder()
    {
        await _store.ApplyAsync([Sent(1, "old-1"), Sent(2, "old-2"), Sent(3, "old-3")], default);
        var sends = new[] { Sent(1, "n1"), Sent(2, "n2"), Sent(3, "n3"), Sent(9, "n9") };

        // Queued together: one batch, three of them refused.
        var pending = new List<Task<AppendOutcome>>();
        foreach (var send in sends)
        {
            pending.Add(await _log.BeginAppendAsync(send, default));
        }
        var outcomes = await Task.WhenAll(pending);

        // Above everything stored, the batch's own seq 9 included, in the order the sends were queued.
        Assert.Equal([10L, 11L, 12L, 9L], outcomes.Select((o, i) => (o.Stored ?? sends[i].Message).Seq));
        Assert.Null(outcomes[3].Stored);
        Assert.Equal(7, _store.Messages.Values.Select(m => m.Seq).Distinct().Count());
    }

    [Fact]
    public async Task ASendTheStoreAlreadyHoldsIsADuplicateOfTheFirst()
    {
        var first = Sent(1, "same");
        await _log.AppendAsync(first, default);
        var resend = new MessageSent(first.Message with { MsgId = NextId(), Seq = 2 });

        var outcome = await _log.AppendAsync(resend, default);

        Assert.Equal(AppendStatus.Duplicate, outcome.Status);
        Assert.Equal(first.Message, outcome.Stored);
        Assert.False(_store.Messages.ContainsKey(resend.Message.MsgId));
    }

    [Fact]
    public async Task AStoreThatKeepsRefusingTheSeqFailsTheSendRetriablyAfterThreeTriesAndStoresNothing()
    {
        var attempts = 0;
        _store.Override = e => e is MessageSent { Message.ClientMsgId: "stuck" } && ++attempts > 0 ? AppendOutcome.Conflict : null;
        var stuck = Sent(1, "stuck");
        var fine = Sent(2, "fine");
        var first = await _log.BeginAppendAsync(stuck, default);
        var second = await _log.BeginAppendAsync(fine, default);

        var error = await Assert.ThrowsAsync<ImException>(() => first);

        Assert.Equal(ImErrorCode.StoreUnavailable, error.Code);
        Assert.True(error.IsRetriable);
        Assert.Equal(3, attempts);
        Assert.False(_store.Messages.ContainsKey(stuck.Message.MsgId));
        Assert.Equal(AppendStatus.Appended, (await second).Status);
    }

    [Fact]
    public async Task WhenTheNewSeqCannotBeTakenTheConflictedSendFailsRetriablyAndTheOthersOfTheBatchStand()
    {
        await _store.ApplyAsync([Sent(1, "old-1")], default);
        var failingReads = new FailingMaxSeq(_store);
        await using var log = new DirectMessageLog(_store, TestSequences.Resolver(_sequences, failingReads, _store), new DirectLogOptions(),
            NullLogger<DirectMessageLog>.Instance);
        var conflicted = await log.BeginAppendAsync(Sent(1, "n1"), default);
        var fine = await log.BeginAppendAsync(Sent(5, "n5"), default);

        var error = await Assert.ThrowsAsync<ImException>(() => conflicted);

        Assert.True(error.IsRetriable);
        Assert.Equal(AppendStatus.Appended, (await fine).Status);
        Assert.Equal(2, _store.Messages.Count);
    }

    [Fact]
    public async Task ASendWhoseMsgIdIsTakenByAnotherSendIsStoredUnderANewIdOnTheRealStore()
    {
        // Two nodes minting from one node id: the SQL store tells this collision from a redelivery by the client key.
        var path = Path.Combine(Path.GetTempPath(), $"im-conflict-{Guid.NewGuid():N}.db");
        await using (var provider = new ServiceCollection().AddImSqliteStore($"Data Source={path}").BuildServiceProvider())
        {
            await provider.GetRequiredService<StoreMigrator>().MigrateAsync(default);
            var store = provider.GetRequiredService<IMessageStore>();
            var sequences = TestSequences.InProcess(store);
            await using var log = new DirectMessageLog(store, TestSequences.Resolver(sequences, store), new DirectLogOptions(),
                NullLogger<DirectMessageLog>.Instance);
            var other = Sent(1, "other");
            await log.AppendAsync(other, default);
            var colliding = new MessageSent(other.Message with { ClientMsgId = "mine", Seq = 2 });

            var outcome = await log.AppendAsync(colliding, default);

            Assert.Equal(AppendStatus.Appended, outcome.Status);
            var stored = outcome.Stored!;
            Assert.NotEqual(other.Message.MsgId, stored.MsgId);
            // Seq 2 was free (only the id clashed): the next seq above the store's max 1 is 2 again.
            Assert.Equal(("mine", 2L), (stored.ClientMsgId, stored.Seq));
            Assert.Equal(stored, await store.FindByClientMsgIdAsync("alice", "mine", default));
            Assert.Equal("other", (await store.GetByIdsAsync([other.Message.MsgId], default)).Single().ClientMsgId);
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(path) + "*"))
        {
            File.Delete(file);
        }
    }

    private static long NextId() => Interlocked.Increment(ref s_msgId);

    private static MessageSent Sent(long seq, string clientMsgId) =>
        new(new ChatMessage(NextId(), clientMsgId, Chat, seq, "alice", "bob", "hi", 1, null, 1_764_000_000_000 + seq, MessageStatus.Reached));

    /// <summary>The store's max seq cannot be read (the store went away between the commit and the reseed).</summary>
    private sealed class FailingMaxSeq(FakeStore store) : ISequenceReads
    {
        public Task<long> GetMaxSeqAsync(string chatId, CancellationToken cancellationToken) =>
            throw new ImException(ImErrorCode.StoreUnavailable, "down");

        public Task<bool> HasAnyMessageAsync(CancellationToken cancellationToken) => store.HasAnyMessageAsync(cancellationToken);
    }
}
