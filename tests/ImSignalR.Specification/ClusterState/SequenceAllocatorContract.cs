using System.Collections.Concurrent;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Specification.ClusterState;

public abstract class SequenceAllocatorContract<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : class, ISequenceAllocatorFixture
{
    [Fact]
    public async Task NewChatWithAnEmptyStoreStartsAtOneAndIncreasesByOne()
    {
        var allocator = (await fixture.CreateAsync(1, new FakeMaxSeqStore()))[0];
        var chat = Chat();
        var got = new List<long>();
        for (var i = 0; i < 3; i++)
        {
            got.Add(await allocator.NextAsync(chat, default));
        }
        Assert.Equal(new long[] { 1, 2, 3 }, got);
    }

    [Fact]
    public async Task ChatThatTheStoreAlreadyHasContinuesAboveTheStoreMax()
    {
        var store = new FakeMaxSeqStore();
        var chat = Chat();
        store.SetMax(chat, 41);
        var allocator = (await fixture.CreateAsync(1, store))[0];
        var first = await allocator.NextAsync(chat, default);
        Assert.True(first > 41, $"got {first}");
        Assert.Equal(first + 1, await allocator.NextAsync(chat, default));
    }

    [Fact]
    public async Task ReseedRaisesTheCounterButNeverLowersIt()
    {
        var allocator = (await fixture.CreateAsync(1, new FakeMaxSeqStore()))[0];
        var chat = Chat();
        Assert.Equal(1, await allocator.NextAsync(chat, default));
        await allocator.ReseedAsync(chat, 100, default);
        var afterRaise = await allocator.NextAsync(chat, default);
        Assert.True(afterRaise > 100, $"got {afterRaise}");
        await allocator.ReseedAsync(chat, 5, default);
        Assert.True(await allocator.NextAsync(chat, default) > afterRaise);
    }

    [Fact]
    public async Task ConcurrentAllocationFromTwoNodesNeverRepeats()
    {
        var nodes = await fixture.CreateAsync(2, new FakeMaxSeqStore());
        var chat = Chat();
        var seen = new ConcurrentBag<long>();
        await Task.WhenAll(Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 100; i++)
            {
                seen.Add(await nodes[w % 2].NextAsync(chat, default));
            }
        }))).WaitAsync(TimeSpan.FromSeconds(20));
        Assert.Equal(800, seen.Distinct().Count());
        Assert.Equal(800, seen.Max());
    }

    protected static string Chat() => $"chat:{Guid.NewGuid():N}";
}
