using System.Globalization;

namespace ImSignalR.Storage.Internal;

/// <summary>
/// The <c>day</c> key of the statistics tables: the UTC calendar day as the number yyyymmdd (20261201), which
/// sorts like the date and reads like one in a SQL console.
/// </summary>
internal static class StatsDays
{
    private static readonly long MinUnixMs = DateTimeOffset.MinValue.ToUnixTimeMilliseconds();
    private static readonly long MaxUnixMs = DateTimeOffset.MaxValue.ToUnixTimeMilliseconds();

    /// <summary>
    /// The day of a Unix-ms time. Clamped to years 1–9999: a time from a foreign producer outside that range
    /// must not make the whole batch fail to apply again and again.
    /// </summary>
    public static int FromUnixMs(long unixMs) =>
        FromDate(DateOnly.FromDateTime(DateTimeOffset.FromUnixTimeMilliseconds(Math.Clamp(unixMs, MinUnixMs, MaxUnixMs)).UtcDateTime));

    public static int FromDate(DateOnly day) => (day.Year * 10_000) + (day.Month * 100) + day.Day;

    public static DateOnly ToDate(int day) => new(day / 10_000, day / 100 % 100, day % 100);

    public static string ToWire(int day) => ToDate(day).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
