using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Sequencing;
using ImSignalR.Specification.ClusterState;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImSignalR.UnitTests.Sequencing;

/// <summary>The sequencing policy alone, over a scripted counter and a fake store: which seed it asks for, and when it reads the store.</summary>
public sealed class SequenceAllocatorTests
{
    private const string Chat = "c2c:a:b";
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(3);

    private readonly ScriptedCounter _counter = new();
    private readonly FakeMaxSeqStore _store = new();

    private SequenceAllocator Allocator(bool storeMayLag = false, long jump = 1000) =>
        new(_counter, _store, new SequencingOptions { ReseedJump = jump, StoreMayLag = storeMayLag, RecoveryWindow = Window },
            NullLogger<SequenceAllocator>.Instance);

    [Fact]
    public async Task AnExistingCounterIsIncrementedWithoutReadingTheStore()
    {
        _counter.Existing = 17;
        Assert.Equal(17, await Allocator().NextAsync(Chat, default));
        Assert.Equal(0, _store.MaxSeqCalls);
        Assert.Empty(_counter.Seeds);
    }

    [Fact]
    public async Task AMissingCounterIsSeededTheJumpPastTheStoreMax()
    {
        _store.SetMax(Chat, 41);
        _counter.SeedReplies.Enqueue(1042);
        Assert.Equal(1042, await Allocator().NextAsync(Chat, default));
        Assert.Equal([new SequenceSeed(1041, 1041, null, false)], _counter.Seeds);
    }

    [Fact]
    public async Task AnEmptyChatIsSeededAtZeroAndTheRecoverySeedIsTheJump()
    {
        _counter.SeedReplies.Enqueue(1);
        Assert.Equal(1, await Allocator(jump: 50).NextAsync(Chat, default));
        Assert.Equal([new SequenceSeed(0, 50, null, false)], _counter.Seeds);
    }

    [Fact]
    public async Task AStoreThatCannotLagIsNeverAskedForItsHistory()
    {
        _store.HasHistory = true;
        _counter.SeedReplies.Enqueue(1);
        await Allocator(storeMayLag: false).NextAsync(Chat, default);
        Assert.Null(_counter.Seeds[0].RecoveryWindow);
        Assert.False(_counter.Seeds[0].StoreHasMessages);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WithALaggingStoreAMissingMarkerAsksTheStoreOnceAndSeedsAgainWithTheAnswer(bool history)
    {
        _store.HasHistory = history;
        _counter.SeedReplies.Enqueue(null);
        _counter.SeedReplies.Enqueue(1001);
        Assert.Equal(1001, await Allocator(storeMayLag: true).NextAsync(Chat, default));
        Assert.Equal([new SequenceSeed(0, 1000, Window, null), new SequenceSeed(0, 1000, Window, history)], _counter.Seeds);
    }

    [Fact]
    public async Task ACounterThatAsksAgainAfterTheAnswerIsAnError()
    {
        _counter.SeedReplies.Enqueue(null);
        _counter.SeedReplies.Enqueue(null);
        await Assert.ThrowsAsync<InvalidOperationException>(async () => await Allocator(storeMayLag: true).NextAsync(Chat, default));
    }

    [Theory]
    [InlineData(30, 1030)]
    [InlineData(0, 0)]
    public async Task ReseedRaisesToTheStoreMaxAndSeedsAMissingCounterTheJumpPastIt(long storeMax, long seedIfMissing)
    {
        await Allocator().ReseedAsync(Chat, storeMax, default);
        Assert.Equal([(storeMax, seedIfMissing)], _counter.Raises);
    }

    [Fact]
    public void InvalidSettingsAreRefusedWithTheirNames()
    {
        var error = Assert.Throws<ArgumentException>(() => new SequenceAllocator(_counter, _store,
            new SequencingOptions { ReseedJump = -1, RecoveryWindow = TimeSpan.Zero }, NullLogger<SequenceAllocator>.Instance));
        Assert.Contains("ReseedJump", error.Message, StringComparison.Ordinal);
        Assert.Contains("RecoveryWindow", error.Message, StringComparison.Ordinal);
    }

    private sealed class ScriptedCounter : ISequenceCounter
    {
        public long? Existing { get; set; }

        public Queue<long?> SeedReplies { get; } = new();

        public List<SequenceSeed> Seeds { get; } = [];

        public List<(long Floor, long SeedIfMissing)> Raises { get; } = [];

        public ValueTask<long?> IncrementExistingAsync(string chatId, CancellationToken cancellationToken) => ValueTask.FromResult(Existing);

        public ValueTask<long?> SeedAsync(string chatId, SequenceSeed seed, CancellationToken cancellationToken)
        {
            Seeds.Add(seed);
            return ValueTask.FromResult(SeedReplies.Dequeue());
        }

        public ValueTask RaiseToAsync(string chatId, long floor, long seedIfMissing, CancellationToken cancellationToken)
        {
            Raises.Add((floor, seedIfMissing));
            return ValueTask.CompletedTask;
        }
    }
}
