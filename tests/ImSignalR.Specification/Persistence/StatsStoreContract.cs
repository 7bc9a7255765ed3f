using ImSignalR.Contracts;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Specification.Persistence;

/// <summary>
/// The daily statistics (SPEC §12) every store keeps as it applies events: counted from what a batch actually
/// wrote, so redelivery counts nothing twice. The counters are per day and the database is shared, so each test
/// works on days of its own, far from today and from every other test and run.
/// </summary>
public abstract partial class StatsStoreContract<TFixture> : IClassFixture<TFixture>
    where TFixture : class, IStoreFixture
{
    private const long DayMs = 86_400_000;
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);

    // A random start between the years 3000 and 9000 per run, then a fresh day (with room around it) per test.
    private static long _nextDay = DateOnly.FromDateTime(new DateTime(3000, 1, 1)).DayNumber + Random.Shared.Next(0, 2_000_000);

    private readonly TFixture _fixture;

    protected StatsStoreContract(TFixture fixture)
    {
        _fixture = fixture;
    }

    private IMessageStore Store => _fixture.Store;

    private IStatsStore Stats => _fixture.Stats;

    [Fact]
    public async Task ABatchCountsMessagesDistinctSendersAndNewConversationsOfItsDay()
    {
        var (day, noon) = NewDay();
        var (a, b, c) = (TestIds.User("a"), TestIds.User("b"), TestIds.User("c"));
        await Apply(
        [
            new MessageSent(TestIds.Message(a, b, 1, noon)),
            new MessageSent(TestIds.Message(a, b, 2, noon + 1)),
            new MessageSent(TestIds.Message(b, a, 3, noon + 2)),
            new MessageSent(TestIds.Message(c, a, 1, noon + 3)),
            new MessagesAcked(ChatIds.ForPair(a, b), a, b, [], MessageStatus.Read, 0, noon + 4),
        ]);

        var stats = await Day(day);

        Assert.Equal((4L, 3L, 2L, 0L), (stats.MessagesC2c, stats.ActiveSenders, stats.NewConversations, stats.Recalls));
        Assert.Equal((0L, 0L, 0L), (stats.MessagesGroup, stats.GroupsCreated, stats.ModerationHits));
    }

    [Fact]
    public async Task ApplyingTheSameBatchTwiceCountsItOnce()
    {
        var (day, noon) = NewDay();
        var (a, b) = (TestIds.User("a"), TestIds.User("b"));
        var m1 = TestIds.Message(a, b, 1, noon);
        var m2 = TestIds.Message(b, a, 2, noon + 1);
        LogEvent[] batch = [new MessageSent(m1), new MessageSent(m2), new MessageRecalled(m1.ChatId, m1.MsgId, a, b, noon + 2)];

        await Apply(batch);
        var once = await Day(day);
        await Apply(batch);
        var twice = await Day(day);

        Assert.Equal((2L, 2L, 1L, 1L), (once.MessagesC2c, once.ActiveSenders, once.NewConversations, once.Recalls));
        Assert.Equivalent(once, twice);
    }

    [Fact]
    public async Task ARedeliveredSendAmongNewOnesCountsOnlyTheNewOnesAndTheirRecall()
    {
        var (day, noon) = NewDay();
        var (a, b) = (TestIds.User("a"), TestIds.User("b"));
        var m1 = TestIds.Message(a, b, 1, noon);
        var m2 = TestIds.Message(a, b, 2, noon + 1);
        await Apply([new MessageSent(m1)]);

        // On MySQL the batch bets that every send is new, loses on m1 and counts again for m2 alone.
        await Apply([new MessageSent(m1), new MessageSent(m2), new MessageRecalled(m2.ChatId, m2.MsgId, a, b, noon + 2)]);

        var stats = await Day(day);
        Assert.Equal((2L, 1L, 1L, 1L), (stats.MessagesC2c, stats.ActiveSenders, stats.NewConversations, stats.Recalls));
    }

    [Fact]
    public async Task ARecallCountsOnceOnlyByItsSenderAndOnTheDayOfTheRecall()
    {
        var (day, noon) = NewDay();
        var (a, b) = (TestIds.User("a"), TestIds.User("b"));
        var m1 = TestIds.Message(a, b, 1, noon);
        var m2 = TestIds.Message(a, b, 2, noon + 1);
        await Apply([new MessageSent(m1), new MessageSent(m2)]);

        await Apply([new MessageRecalled(m1.ChatId, m1.MsgId, b, a, noon + 2)]); // not the sender: nothing changes
        await Apply([new MessageRecalled(m1.ChatId, m1.MsgId, a, b, noon + 3), new MessageRecalled(m1.ChatId, m1.MsgId, a, b, noon + 4)]);
        await Apply([new MessageRecalled(m1.ChatId, m1.MsgId, a, b, noon + 5)]); // again: no effect, no count
        await Apply([new MessageRecalled(m2.ChatId, m2.MsgId, a, b, noon + DayMs)]); // recalled the next day
        await Apply([new MessageRecalled(m1.ChatId, TestIds.MsgId(), a, b, noon + 6)]); // no such message

        Assert.Equal(1L, (await Day(day)).Recalls);
        Assert.Equal(1L, (await Day(day.AddDays(1))).Recalls);
    }

    [Fact]
    public async Task AConversationIsNewOnceWhateverTheBatchesAndASenderIsActiveOncePerDay()
    {
        var (day, noon) = NewDay();
        var (a, b) = (TestIds.User("a"), TestIds.User("b"));
        await Apply([new MessageSent(TestIds.Message(a, b, 1, noon))]);
        await Apply([new MessageSent(TestIds.Message(a, b, 2, noon + 1)), new MessageSent(TestIds.Message(b, a, 3, noon + 2))]);
        await Apply([new MessageSent(TestIds.Message(a, b, 4, noon + 3))]);
        await Apply([new MessageSent(TestIds.Message(a, b, 5, noon + DayMs))]);

        var first = await Day(day);
        var second = await Day(day.AddDays(1));

        Assert.Equal((4L, 2L, 1L), (first.MessagesC2c, first.ActiveSenders, first.NewConversations));
        Assert.Equal((1L, 1L, 0L), (second.MessagesC2c, second.ActiveSenders, second.NewConversations));
    }

    [Fact]
    public async Task DaysAreUtcCalendarDaysOfTheMessagesCreateTime()
    {
        var (day, noon) = NewDay();
        var midnight = noon + (DayMs / 2);
        var (a, b) = (TestIds.User("a"), TestIds.User("b"));

        await Apply([new MessageSent(TestIds.Message(a, b, 1, midnight - 1)), new MessageSent(TestIds.Message(a, b, 2, midnight))]);

        var stats = await Bounded(Stats.GetDailyStatsAsync(day, day.AddDays(1), default));
        Assert.Equal([(Wire(day), 1L, 1L), (Wire(day.AddDays(1)), 1L, 1L)], stats.Select(s => (s.Day, s.MessagesC2c, s.ActiveSenders)));
    }

    [Fact]
    public async Task ManySendersInOneBatchAreCountedAcrossStatements()
    {
        var (day, noon) = NewDay();
        var recipient = TestIds.User("r");
        // More senders than one MySQL INSERT carries (200 rows).
        var sends = Enumerable.Range(0, 450).Select(i => (LogEvent)new MessageSent(TestIds.Message(TestIds.User($"s{i}"), recipient, 1, noon + i))).ToList();
        await Apply(sends);
        await Apply(sends);

        var stats = await Day(day);
        Assert.Equal((450L, 450L, 450L), (stats.MessagesC2c, stats.ActiveSenders, stats.NewConversations));
    }

    [Fact]
    public async Task ModerationHitsAddUpAndOnlyCountedDaysAreReturnedAscending()
    {
        var (day, _) = NewDay();
        for (var i = 0; i < 5; i++)
        {
            await Bounded(Stats.AddModerationHitsAsync(day, 2, default));
        }
        await Bounded(Stats.AddModerationHitsAsync(day.AddDays(2), 1, default));
        await Bounded(Stats.AddModerationHitsAsync(day.AddDays(1), 0, default)); // nothing to add: no row

        var stats = await Bounded(Stats.GetDailyStatsAsync(day.AddDays(-1), day.AddDays(3), default));

        Assert.Equal([(Wire(day), 10L), (Wire(day.AddDays(2)), 1L)], stats.Select(s => (s.Day, s.ModerationHits)));
        Assert.All(stats, s => Assert.Equal(0L, s.MessagesC2c));
    }

    [Fact]
    public async Task PruningDropsOnlyOlderSenderRowsAndKeepsEveryDaysCounts()
    {
        var (day, noon) = NewDay();
        var (a, b) = (TestIds.User("a"), TestIds.User("b"));
        await Apply([new MessageSent(TestIds.Message(a, b, 1, noon)), new MessageSent(TestIds.Message(a, b, 2, noon + DayMs))]);

        Assert.True(await Bounded(Stats.PruneActiveSendersAsync(day.AddDays(1), default)) >= 1);
        Assert.Equal(0, await Bounded(Stats.PruneActiveSendersAsync(day.AddDays(1), default)));

        Assert.Equal((1L, 1L), ((await Day(day)).MessagesC2c, (await Day(day)).ActiveSenders));
        await Apply([new MessageSent(TestIds.Message(a, b, 3, noon + DayMs + 1))]);
        Assert.Equal((2L, 1L), ((await Day(day.AddDays(1))).MessagesC2c, (await Day(day.AddDays(1))).ActiveSenders)); // kept: still once
        // A message of a pruned day arriving this late counts its sender again — what the retention trades for its bound.
        await Apply([new MessageSent(TestIds.Message(a, b, 4, noon + 1))]);
        Assert.Equal((2L, 2L), ((await Day(day)).MessagesC2c, (await Day(day)).ActiveSenders));
    }

    private static (DateOnly Day, long NoonMs) NewDay()
    {
        // Three days apart: a test may use the day after its own.
        var day = DateOnly.FromDayNumber((int)Interlocked.Add(ref _nextDay, 3));
        var noon = new DateTimeOffset(day.ToDateTime(new TimeOnly(12, 0)), TimeSpan.Zero).ToUnixTimeMilliseconds();
        return (day, noon);
    }

    private static string Wire(DateOnly day) => day.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private async Task<DailyStats> Day(DateOnly day)
    {
        var stats = await Bounded(Stats.GetDailyStatsAsync(day, day, default));
        return Assert.Single(stats, s => s.Day == Wire(day));
    }

    private async Task<IReadOnlyList<AppendOutcome>> Apply(IReadOnlyList<LogEvent> events) => await Bounded(Store.ApplyAsync(events, default));

    private static Task<T> Bounded<T>(Task<T> task) => task.WaitAsync(Bound);

    private static Task Bounded(Task task) => task.WaitAsync(Bound);
}
