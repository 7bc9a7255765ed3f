using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Moderation;
using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Services;
using ImSignalR.UnitTests.Domain;

namespace ImSignalR.UnitTests.Stats;

public sealed class ModerationHitCounterTests
{
    private static readonly DateTimeOffset LateEvening = new(2026, 12, 1, 23, 59, 59, TimeSpan.Zero);

    [Fact]
    public async Task HitsAreSummedPerUtcDayAndFlushedInOneCallPerDay()
    {
        var time = new ManualTime(LateEvening);
        var counter = new ModerationHitCounter(time);
        var store = new FakeStatsStore();
        counter.Add();
        counter.Add();
        time.Advance(TimeSpan.FromSeconds(2)); // past midnight UTC
        counter.Add();

        Assert.Equal(3, await counter.FlushAsync(store, default));
        Assert.Equal([(new DateOnly(2026, 12, 1), 2L), (new DateOnly(2026, 12, 2), 1L)], store.HitCalls);
        Assert.Equal(0, counter.Pending);
        Assert.Equal(0, await counter.FlushAsync(store, default)); // nothing new: no call
        Assert.Equal(2, store.HitCalls.Count);
    }

    [Fact]
    public async Task AFailedFlushKeepsTheHitsForTheNextOne()
    {
        var counter = new ModerationHitCounter(new ManualTime(LateEvening));
        var store = new FakeStatsStore { Failing = true };
        counter.Add();

        await Assert.ThrowsAsync<ImException>(() => counter.FlushAsync(store, default));
        counter.Add();
        Assert.Equal(2, counter.Pending);

        store.Failing = false;
        Assert.Equal(2, await counter.FlushAsync(store, default));
        Assert.Equal([(new DateOnly(2026, 12, 1), 2L)], store.HitCalls);
    }

    [Fact]
    public void AStoreAwayForWeeksCostsTheOldestDaysNotMemory()
    {
        var time = new ManualTime(LateEvening);
        var counter = new ModerationHitCounter(time);
        for (var day = 0; day < ModerationHitCounter.MaxPendingDays + 10; day++)
        {
            counter.Add();
            time.Advance(TimeSpan.FromDays(1));
        }

        Assert.Equal(ModerationHitCounter.MaxPendingDays, counter.Pending);
    }

    [Theory]
    [InlineData(ModerationAction.Reject, 1)]
    [InlineData(ModerationAction.Mask, 1)]
    [InlineData(ModerationAction.Allow, 0)]
    public async Task TheCountingModeratorCountsRefusedAndMaskedVerdictsAndPassesThemOn(ModerationAction action, int hits)
    {
        var counter = new ModerationHitCounter(new ManualTime(LateEvening));
        var verdict = action switch
        {
            ModerationAction.Reject => ModerationVerdict.Rejected,
            ModerationAction.Mask => ModerationVerdict.Masked("**"),
            _ => ModerationVerdict.Allowed,
        };
        var moderator = new CountingModerator(new Fixed(verdict), counter);

        Assert.Equal(verdict, await moderator.ReviewAsync("alice", "xx", default));
        Assert.Equal(hits, counter.Pending);
    }

    private sealed class Fixed(ModerationVerdict verdict) : IContentModerator
    {
        public ValueTask<ModerationVerdict> ReviewAsync(string fromUserId, string content, CancellationToken cancellationToken) => ValueTask.FromResult(verdict);
    }
}
