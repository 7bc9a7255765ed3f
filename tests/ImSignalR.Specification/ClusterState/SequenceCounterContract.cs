using System.Collections.Concurrent;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Specification.ClusterState;

/// <summary>
/// What <see cref="ISequenceCounter"/> promises the policy: no step creates a counter by incrementing, a seed counts
/// once, a raise never lowers, and the marker and recovery flag tell a new chat from lost counters. Only one chat's
/// steps are asserted: which chats share a marker is the adapter's choice (its own tests cover that).
/// </summary>
public abstract class SequenceCounterContract<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : class, IClusterStateFixture<ISequenceCounter>
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task IncrementExistingNeverCreatesACounter()
    {
        var counter = (await fixture.CreateAsync(1))[0];
        var chat = Chat();
        Assert.Null(await counter.IncrementExistingAsync(chat, default));
        Assert.Null(await counter.IncrementExistingAsync(chat, default));
        Assert.Equal(1, await counter.SeedAsync(chat, new SequenceSeed(0, 1000, null, false), default));
        Assert.Equal(2, await counter.IncrementExistingAsync(chat, default));
    }

    [Fact]
    public async Task OnlyTheFirstSeedCountsTheOthersIncrement()
    {
        var nodes = await fixture.CreateAsync(2);
        var chat = Chat();
        var seen = new ConcurrentBag<long>();
        await Task.WhenAll(Enumerable.Range(0, 10).Select(i => Task.Run(async () =>
            seen.Add((await nodes[i % 2].SeedAsync(chat, new SequenceSeed(10 + i, 5000, null, false), default))!.Value))));
        Assert.Equal(10, seen.Distinct().Count());
        var first = seen.Min() - 1;
        Assert.InRange(first, 10, 19);
        Assert.Equal(Enumerable.Range((int)first + 1, 10).Select(i => (long)i), seen.Order());
    }

    [Fact]
    public async Task RaiseNeverLowersAndSeedsAMissingCounter()
    {
        var counter = (await fixture.CreateAsync(1))[0];
        var chat = Chat();
        await counter.RaiseToAsync(chat, 7, 1007, default);
        Assert.Equal(1008, await counter.IncrementExistingAsync(chat, default));
        await counter.RaiseToAsync(chat, 5, 1005, default);
        Assert.Equal(1009, await counter.IncrementExistingAsync(chat, default));
        await counter.RaiseToAsync(chat, 2000, 3000, default);
        Assert.Equal(2001, await counter.IncrementExistingAsync(chat, default));
    }

    [Fact]
    public async Task AMissingMarkerWithUnknownHistoryChangesNothingAndAsks()
    {
        var counter = (await fixture.CreateAsync(1))[0];
        var chat = Chat();
        Assert.Null(await counter.SeedAsync(chat, new SequenceSeed(0, 1000, Window, null), default));
        Assert.Null(await counter.IncrementExistingAsync(chat, default));
        // An empty store: a first start, nothing jumps.
        Assert.Equal(1, await counter.SeedAsync(chat, new SequenceSeed(0, 1000, Window, false), default));
        Assert.Equal(2, await counter.SeedAsync(chat, new SequenceSeed(0, 1000, Window, null), default));
    }

    [Fact]
    public async Task AMissingMarkerWhileTheStoreHasMessagesStartsTheRecoveryWindow()
    {
        var counter = (await fixture.CreateAsync(1))[0];
        var chat = Chat();
        Assert.Equal(1001, await counter.SeedAsync(chat, new SequenceSeed(0, 1000, Window, true), default));
        Assert.Equal(1002, await counter.IncrementExistingAsync(chat, default));
    }

    [Fact]
    public async Task WithoutAWindowTheSeedIsTheNormalOneEvenWithHistory()
    {
        var counter = (await fixture.CreateAsync(1))[0];
        Assert.Equal(42, await counter.SeedAsync(Chat(), new SequenceSeed(41, 1041, null, true), default));
    }

    protected static string Chat() => $"chat:{Guid.NewGuid():N}";
}
