using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Services;

namespace ImSignalR.UnitTests.Stats;

public sealed class StatsServiceTests
{
    [Theory]
    [InlineData("2026-12-01", "2026-12-01", 1)]
    [InlineData("2026-01-01", "2026-12-31", 365)]
    [InlineData("2028-01-01", "2028-12-31", 366)] // a leap year is the longest range
    [InlineData("2026-02-28", "2026-03-01", 2)]
    public void AValidRangeIsParsedInclusive(string from, string to, int days)
    {
        var (first, last) = StatsService.ParseRange(from, to);

        Assert.Equal(days, last.DayNumber - first.DayNumber + 1);
        Assert.Equal(from, first.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData(null, "2026-12-01", "'from' is required")]
    [InlineData("2026-12-01", "", "'to' is required")]
    [InlineData("2026-12-1", "2026-12-01", "'from' must be a date YYYY-MM-DD")]
    [InlineData("01/12/2026", "2026-12-01", "'from' must be a date")]
    [InlineData("2026-12-01T00:00:00Z", "2026-12-01", "'from' must be a date")]
    [InlineData("2026-02-30", "2026-03-01", "'from' must be a date")]
    [InlineData("2026-12-01", "tomorrow", "'to' must be a date")]
    [InlineData(" 2026-12-01", "2026-12-01", "'from' must be a date")]
    [InlineData("2026-12-02", "2026-12-01", "must not be after 'to'")]
    [InlineData("2026-01-01", "2027-01-02", "at most 366 days")]
    public void ABadRangeIsAnInvalidArgumentNamingTheProblem(string? from, string? to, string message)
    {
        var error = Assert.Throws<ImException>(() => StatsService.ParseRange(from, to));

        Assert.Equal(ImErrorCode.InvalidArgument, error.Code);
        Assert.Equal("IM_INVALID_ARGUMENT", error.Code.ToWire());
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task EveryDayOfTheRangeIsAnsweredInOrderWithZerosForQuietDays()
    {
        var store = new FakeStatsStore();
        store.Days.Add(Counted("2026-12-02", messages: 7));
        var service = new StatsService(store);

        var days = await service.GetDailyStatsAsync("2026-11-30", "2026-12-03", default);

        Assert.Equal(["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03"], days.Select(d => d.Day));
        Assert.Equal([0L, 0L, 7L, 0L], days.Select(d => d.MessagesC2c));
        Assert.All(days.Where(d => d.Day != "2026-12-02"), d => Assert.Equivalent(DailyStats.Empty(DateOnly.Parse(d.Day, System.Globalization.CultureInfo.InvariantCulture)), d));
        Assert.Equal((new DateOnly(2026, 11, 30), new DateOnly(2026, 12, 3)), store.LastRange);
    }

    [Fact]
    public async Task ABadRangeNeverReachesTheStore()
    {
        var store = new FakeStatsStore();

        await Assert.ThrowsAsync<ImException>(() => new StatsService(store).GetDailyStatsAsync("2026-12-02", "2026-12-01", default));

        Assert.Null(store.LastRange);
    }

    private static DailyStats Counted(string day, long messages) => new()
    {
        Day = day,
        MessagesC2c = messages,
        MessagesGroup = 0,
        ActiveSenders = 1,
        NewConversations = 1,
        GroupsCreated = 0,
        Recalls = 0,
        ModerationHits = 0,
    };
}
