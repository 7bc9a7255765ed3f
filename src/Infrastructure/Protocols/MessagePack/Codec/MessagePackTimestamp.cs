namespace ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

/// <summary>
/// Conversions for the timestamp extension (type -1): ts32 = uint32 seconds; ts64 = uint64 with
/// nanoseconds in the high 30 bits and seconds in the low 34; ts96 = uint32 nanoseconds + int64 seconds.
/// </summary>
internal static class MessagePackTimestamp
{
    private const long NanosecondsPerTick = 100;
    private const uint MaxNanoseconds = 999_999_999;
    private static readonly long MinSeconds = (DateTime.MinValue.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond;
    private static readonly long MaxSeconds = (DateTime.MaxValue.Ticks - DateTime.UnixEpoch.Ticks) / TimeSpan.TicksPerSecond;

    public static bool TryToDateTime(long seconds, uint nanoseconds, out DateTime value)
    {
        if (nanoseconds > MaxNanoseconds || seconds < MinSeconds || seconds > MaxSeconds)
        {
            value = default;
            return false;
        }
        var ticks = DateTime.UnixEpoch.Ticks + seconds * TimeSpan.TicksPerSecond + nanoseconds / NanosecondsPerTick;
        if (ticks < DateTime.MinValue.Ticks || ticks > DateTime.MaxValue.Ticks)
        {
            value = default;
            return false;
        }
        value = new DateTime(ticks, DateTimeKind.Utc);
        return true;
    }

    /// <summary>Splits a time into Unix seconds (floored) and nanoseconds. Local times are converted to
    /// UTC; Unspecified is taken as UTC, as MessagePack-CSharp does.</summary>
    public static (long Seconds, uint Nanoseconds) FromDateTime(DateTime value)
    {
        if (value.Kind == DateTimeKind.Local)
        {
            value = value.ToUniversalTime();
        }
        var ticks = value.Ticks - DateTime.UnixEpoch.Ticks;
        var seconds = Math.DivRem(ticks, TimeSpan.TicksPerSecond, out var remainder);
        if (remainder < 0)
        {
            seconds--;
            remainder += TimeSpan.TicksPerSecond;
        }
        return (seconds, (uint)(remainder * NanosecondsPerTick));
    }
}
