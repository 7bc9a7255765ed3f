using System.Collections.Concurrent;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Specification.ClusterState;

/// <summary>What every <see cref="IRetryQueue"/> adapter must do. Time is passed in, so nothing here sleeps.</summary>
public abstract class RetryQueueContract<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : class, IClusterStateFixture<IRetryQueue>
{
    private static readonly DateTimeOffset T0 = DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_000);
    private static readonly TimeSpan Lease = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task EntryIsNotClaimedBeforeItIsDueAndThenComesWithZeroReplays()
    {
        var queue = (await fixture.CreateAsync(1))[0];
        await queue.ScheduleAsync(Msg(1), T0.AddSeconds(5), default);
        Assert.Empty(await queue.ClaimDueAsync(T0.AddSeconds(4), 10, Lease, default));
        var claimed = Assert.Single(await queue.ClaimDueAsync(T0.AddSeconds(5), 10, Lease, default));
        Assert.Equal(Msg(1), claimed.Message);
        Assert.Equal(0, claimed.Replays);
    }

    [Fact]
    public async Task ClaimedEntryIsNotClaimedAgainWhileItsLeaseRuns()
    {
        var queue = (await fixture.CreateAsync(1))[0];
        await queue.ScheduleAsync(Msg(1), T0, default);
        Assert.Single(await queue.ClaimDueAsync(T0, 10, Lease, default));
        Assert.Empty(await queue.ClaimDueAsync(T0 + Lease - TimeSpan.FromMilliseconds(1), 10, Lease, default));
        Assert.Equal(1, await queue.CountAsync(default));
    }

    [Fact]
    public async Task EntryWhoseLeaseExpiredComesBack()
    {
        var queue = (await fixture.CreateAsync(1))[0];
        await queue.ScheduleAsync(Msg(1), T0, default);
        Assert.Single(await queue.ClaimDueAsync(T0, 10, Lease, default));
        var back = Assert.Single(await queue.ClaimDueAsync(T0 + Lease, 10, Lease, default));
        Assert.Equal(1, back.Message.MsgId);
        Assert.Empty(await queue.ClaimDueAsync(T0 + Lease + TimeSpan.FromSeconds(1), 10, Lease, default));
    }

    [Fact]
    public async Task ClaimTakesAtMostMaxInDueOrder()
    {
        var queue = (await fixture.CreateAsync(1))[0];
        for (var i = 1; i <= 5; i++)
        {
            await queue.ScheduleAsync(Msg(i), T0.AddSeconds(-i), default);
        }
        var first = await queue.ClaimDueAsync(T0, 2, Lease, default);
        Assert.Equal(new long[] { 5, 4 }, first.Select(e => e.Message.MsgId));
        Assert.Equal(3, (await queue.ClaimDueAsync(T0, 10, Lease, default)).Count);
    }

    [Fact]
    public async Task TwoConcurrentClaimersNeverGetTheSameEntry()
    {
        var nodes = await fixture.CreateAsync(2);
        const int total = 300;
        for (var i = 1; i <= total; i++)
        {
            await nodes[0].ScheduleAsync(Msg(i), T0, default);
        }
        var seen = new ConcurrentBag<long>();
        var workers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            var queue = nodes[w % 2];
            while (true)
            {
                var batch = await queue.ClaimDueAsync(T0, 7, Lease, default);
                if (batch.Count == 0)
                {
                    return;
                }
                foreach (var entry in batch)
                {
                    seen.Add(entry.Message.MsgId);
                }
            }
        }));
        await Task.WhenAll(workers).WaitAsync(Bound);
        Assert.Equal(total, seen.Count);
        Assert.Equal(total, seen.Distinct().Count());
    }

    [Fact]
    public async Task RescheduleCountsTheReplayAndMakesTheEntryDueLater()
    {
        var queue = (await fixture.CreateAsync(1))[0];
        await queue.ScheduleAsync(Msg(1), T0, default);
        var claimed = Assert.Single(await queue.ClaimDueAsync(T0, 10, Lease, default));
        Assert.True(await queue.RescheduleAsync(claimed, T0.AddSeconds(10), default));
        Assert.Empty(await queue.ClaimDueAsync(T0.AddSeconds(9), 10, Lease, default));
        var again = Assert.Single(await queue.ClaimDueAsync(T0.AddSeconds(10), 10, Lease, default));
        Assert.Equal(1, again.Replays);
        Assert.Equal(1, await queue.CountAsync(default));
    }

    [Fact]
    public async Task RescheduleOfARemovedEntryDoesNothing()
    {
        var queue = (await fixture.CreateAsync(1))[0];
        await queue.ScheduleAsync(Msg(1), T0, default);
        var claimed = Assert.Single(await queue.ClaimDueAsync(T0, 10, Lease, default));
        await queue.RemoveAsync([1], default);
        Assert.False(await queue.RescheduleAsync(claimed, T0.AddSeconds(1), default));
        Assert.Equal(0, await queue.CountAsync(default));
        Assert.Empty(await queue.ClaimDueAsync(T0 + Lease + Lease, 10, Lease, default));
    }

    [Fact]
    public async Task RemoveDropsQueuedAndLeasedEntriesAndIgnoresUnknownIds()
    {
        var queue = (await fixture.CreateAsync(1))[0];
        await queue.ScheduleAsync(Msg(1), T0, default);
        await queue.ScheduleAsync(Msg(2), T0.AddHours(1), default);
        await queue.ScheduleAsync(Msg(3), T0, default);
        Assert.Equal(2, (await queue.ClaimDueAsync(T0, 10, Lease, default)).Count);
        Assert.Equal(3, await queue.CountAsync(default));
        await queue.RemoveAsync([1, 2, 999], default);
        Assert.Equal(1, await queue.CountAsync(default));
        var left = Assert.Single(await queue.ClaimDueAsync(T0.AddDays(1), 10, Lease, default));
        Assert.Equal(3, left.Message.MsgId);
    }

    [Fact]
    public async Task PendingLookupFindsQueuedAndLeasedEntriesWholeAndSkipsRemovedAndUnknownIds()
    {
        var queue = (await fixture.CreateAsync(1))[0];
        await queue.ScheduleAsync(Msg(1), T0, default);
        await queue.ScheduleAsync(Msg(2), T0.AddHours(1), default);
        await queue.ScheduleAsync(Msg(3), T0, default);
        await queue.ScheduleAsync(Msg(4), T0, default);
        Assert.Equal(3, (await queue.ClaimDueAsync(T0, 10, Lease, default)).Count); // 1, 3, 4 leased; 2 queued
        await queue.RemoveAsync([3], default);

        var found = await queue.GetPendingAsync([1, 2, 3, 999], default);

        Assert.Equal([Msg(1), Msg(2)], found.OrderBy(m => m.MsgId));
        Assert.Empty(await queue.GetPendingAsync([3, 999], default));
    }

    [Fact]
    public async Task SchedulingTheSameIdTwiceKeepsOneEntry()
    {
        var queue = (await fixture.CreateAsync(1))[0];
        await queue.ScheduleAsync(Msg(1), T0, default);
        await queue.ScheduleAsync(Msg(1), T0, default);
        Assert.Equal(1, await queue.CountAsync(default));
        Assert.Single(await queue.ClaimDueAsync(T0, 10, Lease, default));
    }

    [Fact]
    public async Task ReplacingTheMessageKeepsReplaysDueTimeAndLeaseAndIgnoresAMissingEntry()
    {
        var queue = (await fixture.CreateAsync(1))[0];
        await queue.ScheduleAsync(Msg(1), T0.AddSeconds(5), default);
        await queue.ScheduleAsync(Msg(2), T0, default);
        var claimed = Assert.Single(await queue.ClaimDueAsync(T0, 10, Lease, default));
        Assert.True(await queue.RescheduleAsync(claimed, T0.AddSeconds(1), default));
        Assert.Single(await queue.ClaimDueAsync(T0.AddSeconds(1), 1, Lease, default)); // 2 is leased again, replays 1

        await queue.ReplaceMessageAsync(Msg(1) with { Seq = 901 }, default);
        await queue.ReplaceMessageAsync(Msg(2) with { Seq = 902 }, default);
        await queue.ReplaceMessageAsync(Msg(3) with { Seq = 903 }, default);

        Assert.Empty(await queue.ClaimDueAsync(T0.AddSeconds(4), 10, Lease, default)); // 1 not due yet, 2 still leased
        var due = Assert.Single(await queue.ClaimDueAsync(T0.AddSeconds(5), 10, Lease, default));
        Assert.Equal((Msg(1) with { Seq = 901 }, 0), (due.Message, due.Replays));
        var back = Assert.Single(await queue.ClaimDueAsync(T0.AddSeconds(1) + Lease, 10, Lease, default));
        Assert.Equal((Msg(2) with { Seq = 902 }, 1), (back.Message, back.Replays));
        Assert.Equal(2, await queue.CountAsync(default));
    }

    private static ChatMessage Msg(long id) => new(
        id, $"c-{id}", "chat:a:b", id, "a", "b", $"hello {id} ✓", 0, id % 2 == 0 ? null : "{\"x\":1}", 1_700_000_000_000 + id, MessageStatus.Reached);
}
