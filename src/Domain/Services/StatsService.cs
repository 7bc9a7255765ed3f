using System.Globalization;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Domain.Services;

/// <summary>
/// <c>GET /api/admin/stats</c> (SPEC §12): validates the range and answers every day in it, zeros for a day
/// with nothing counted. The caller checks the <c>im:admin</c> scope.
/// </summary>
public sealed class StatsService
{
    /// <summary>A year, leap day included: enough for any report, and a bound on one request's read.</summary>
    public const int MaxDays = 366;

    /// <summary>
    /// Days of "who sent that day" rows kept before today (UTC). They only serve to count a sender once per day, so a
    /// week covers any redelivery or consumer lag worth the name; each day's count stays in the daily row for good.
    /// </summary>
    public const int ActiveSenderRetentionDays = 7;

    private const string DayFormat = "yyyy-MM-dd";

    private readonly IStatsStore _store;

    public StatsService(IStatsStore store)
    {
        _store = store;
    }

    public async Task<IReadOnlyList<DailyStats>> GetDailyStatsAsync(string? from, string? to, CancellationToken cancellationToken)
    {
        var (first, last) = ParseRange(from, to);
        var counted = await _store.GetDailyStatsAsync(first, last, cancellationToken).ConfigureAwait(false);
        var byDay = counted.ToDictionary(d => d.Day, StringComparer.Ordinal);
        var days = new List<DailyStats>(last.DayNumber - first.DayNumber + 1);
        for (var day = first; day <= last; day = day.AddDays(1))
        {
            var empty = DailyStats.Empty(day);
            days.Add(byDay.GetValueOrDefault(empty.Day) ?? empty);
        }
        return days;
    }

    /// <summary>Both bounds required, ISO dates, <paramref name="from"/> ≤ <paramref name="to"/>, at most <see cref="MaxDays"/> days.</summary>
    /// <exception cref="ImException"><c>IM_INVALID_ARGUMENT</c> naming the offending parameter.</exception>
    public static (DateOnly From, DateOnly To) ParseRange(string? from, string? to)
    {
        var first = ParseDay(from, "from");
        var last = ParseDay(to, "to");
        if (first > last)
        {
            throw ImException.Invalid($"'from' ({from}) must not be after 'to' ({to}).");
        }
        if (last.DayNumber - first.DayNumber + 1 > MaxDays)
        {
            throw ImException.Invalid($"The range may cover at most {MaxDays} days.");
        }
        return (first, last);
    }

    private static DateOnly ParseDay(string? value, string name)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw ImException.Invalid($"'{name}' is required (a UTC day, YYYY-MM-DD).");
        }
        // Exact and invariant: "2026-1-5", "05/01/2026" or a time of day are refused, not guessed at.
        if (!DateOnly.TryParseExact(value, DayFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            throw ImException.Invalid($"'{name}' must be a date YYYY-MM-DD.");
        }
        return day;
    }
}
