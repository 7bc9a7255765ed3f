using ImSignalR.Domain.InProcess;
using ImSignalR.Domain.Ports;
using ImSignalR.UnitTests.Domain;

namespace ImSignalR.UnitTests.InProcess;

/// <summary>The in-process counter's own choice: one marker and one recovery flag for every chat (all of it dies with the process).</summary>
public sealed class InProcessSequenceCounterMarkerTests
{
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task OneMarkerAnswersForEveryChatAfterTheFirstSeed()
    {
        var counter = new InProcessSequenceCounter();
        Assert.Equal(1, await counter.SeedAsync("c2c:a:b", new SequenceSeed(0, 1000, Window, false), default));
        Assert.Equal(1, await counter.SeedAsync("c2c:c:d", new SequenceSeed(0, 1000, Window, null), default));
    }

    [Fact]
    public async Task TheRecoveryFlagMakesEveryNewChatJumpUntilTheWindowEnds()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));
        var counter = new InProcessSequenceCounter(time);
        Assert.Equal(1001, await counter.SeedAsync("c2c:a:b", new SequenceSeed(0, 1000, Window, true), default));
        time.Advance(Window - TimeSpan.FromSeconds(1));
        Assert.Equal(1001, await counter.SeedAsync("c2c:c:d", new SequenceSeed(0, 1000, Window, null), default));
        time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, await counter.SeedAsync("c2c:e:f", new SequenceSeed(0, 1000, Window, null), default));
    }

    [Fact]
    public async Task WithoutAWindowHistoryStartsNoRecovery()
    {
        var counter = new InProcessSequenceCounter();
        Assert.Equal(1, await counter.SeedAsync("c2c:a:b", new SequenceSeed(0, 1000, null, true), default));
        Assert.Equal(1, await counter.SeedAsync("c2c:c:d", new SequenceSeed(0, 1000, Window, null), default));
    }
}
