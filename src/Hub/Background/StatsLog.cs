namespace ImSignalR.Hub.Background;

/// <summary>Statistics log messages (SPEC §12): event ids 2400–2499.</summary>
internal static partial class StatsLog
{
    [LoggerMessage(2401, LogLevel.Warning, "Adding moderation hits to the daily statistics failed; {Pending} hits kept for the next attempt.")]
    public static partial void FlushFailed(ILogger logger, long pending, Exception exception);

    [LoggerMessage(2402, LogLevel.Debug, "Adding moderation hits to the daily statistics failed again; {Pending} hits kept.")]
    public static partial void FlushStillFailing(ILogger logger, long pending, Exception exception);

    [LoggerMessage(2403, LogLevel.Information, "Moderation hits reach the daily statistics again.")]
    public static partial void FlushRecovered(ILogger logger);

    [LoggerMessage(2404, LogLevel.Information, "Deleted {Rows} active-sender rows past their retention.")]
    public static partial void ActiveSendersPruned(ILogger logger, long rows);

    [LoggerMessage(2405, LogLevel.Warning, "Pruning the active-sender rows failed; trying again in an hour.")]
    public static partial void PruneFailed(ILogger logger, Exception exception);
}
