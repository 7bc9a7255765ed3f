using System.Diagnostics.Metrics;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Services;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImSignalR.UnitTests.Domain;

public sealed class StoreFallbackSequenceAllocatorTests
{
    private readonly FakeStore _store = new();
    private readonly SendUnderFaultsTests.AwayAllocator _cluster = new();
    private readonly StoreFallbackSequenceAllocator _allocator;

    public StoreFallbackSequenceAllocatorTests()
    {
        _allocator = new StoreFallbackSequenceAllocator(_cluster, _store, new MessagingMetrics(new Meter("t" + Guid.NewGuid())),
            TimeProvider.System, NullLogger<StoreFallbackSequenceAllocator>.Instance);
    }

    private void Store(string chat, long seq) =>
        _store.Messages[seq * 1000 + chat.Length] = new ChatMessage(seq * 1000 + chat.Length, "k" + seq, chat, seq, "a", "b", "x", 1, null, 0, MessageStatus.Reached);

    [Fact]
    public async Task WhileTheClusterIsAwayTheStoresMaxIsReadOnceAndCountedOnLocally()
    {
        Store("c2c:a:b", 40);
        _cluster.Away = true;

        Assert.Equal(41, await _allocator.NextAsync("c2c:a:b", default));
        Store("c2c:a:b", 41);
        Assert.Equal(42, await _allocator.NextAsync("c2c:a:b", default)); // in flight seqs count too, not only stored ones
        Assert.Equal(1, await _allocator.NextAsync("c2c:a:c", default));
        Assert.Equal(2, _allocator.TrackedChats);
    }

    [Fact]
    public async Task AConflictWhileAwayRaisesTheLocalCountPastTheStore()
    {
        _cluster.Away = true;
        Assert.Equal(1, await _allocator.NextAsync("c2c:a:b", default));
        await _allocator.ReseedAsync("c2c:a:b", 30, default); // another node took 2..30 meanwhile
        Assert.Equal(31, await _allocator.NextAsync("c2c:a:b", default));
    }

    [Fact]
    public async Task BackOnTheClusterItsCounterIsRaisedPastTheSeqsHandedOutOnlyWhenItIsBehind()
    {
        _cluster.Next = 100;
        _cluster.Away = true;
        Store("c2c:a:b", 100);
        Assert.Equal(101, await _allocator.NextAsync("c2c:a:b", default));
        Assert.Equal(102, await _allocator.NextAsync("c2c:a:b", default));
        Assert.Equal(1, await _allocator.NextAsync("c2c:x:y", default));
        _cluster.Away = false;

        Assert.Equal(103, await _allocator.NextAsync("c2c:a:b", default)); // counter was at 100: raised to 102 first
        Assert.Equal([102L], _cluster.Reseeds);
        Assert.Equal(104, await _allocator.NextAsync("c2c:x:y", default)); // the shared fake counter is ahead: no reseed
        Assert.Single(_cluster.Reseeds);
        Assert.Equal(0, _allocator.TrackedChats);
    }

    [Fact]
    public async Task TheRememberedChatsAreBounded()
    {
        _cluster.Away = true;
        for (var i = 0; i <= StoreFallbackSequenceAllocator.MaxTrackedChats; i++)
        {
            await _allocator.NextAsync("c2c:a:" + i, default);
        }
        Assert.True(_allocator.TrackedChats <= StoreFallbackSequenceAllocator.MaxTrackedChats);
    }
}
