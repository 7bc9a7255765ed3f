using Microsoft.Extensions.Logging;

namespace ImSignalR.Domain.Services;

/// <summary>Domain log messages: event ids 1000–1999 (registry: docs/operations.md). Never message contents.</summary>
internal static partial class DomainLog
{
    // 1001 (seq conflict) moved to SequencingLog with the code that meets it.

    [LoggerMessage(1002, LogLevel.Warning, "Send step '{Step}' failed; sends go on without it ({Suppressed} more failures of this step since the last warning, logged at Debug).")]
    public static partial void StepDegraded(ILogger logger, string step, long suppressed, Exception exception);

    [LoggerMessage(1003, LogLevel.Debug, "Send step '{Step}' failed; the send went on without it.")]
    public static partial void StepDegradedAgain(ILogger logger, string step, Exception exception);

    [LoggerMessage(1004, LogLevel.Warning, "Push ({Kind}) failed; delivery falls back to replay and sync.")]
    public static partial void PushFailed(ILogger logger, string kind, Exception exception);

    [LoggerMessage(1006, LogLevel.Warning, "Appending the offline mark of {MsgId} failed.")]
    public static partial void OfflineMarkFailed(ILogger logger, long msgId, Exception exception);

    [LoggerMessage(1010, LogLevel.Warning, "Removing acked retry entries failed; they will be replayed and acked again.")]
    public static partial void RetryRemoveFailed(ILogger logger, Exception exception);

    [LoggerMessage(1011, LogLevel.Warning, "Looking acked messages up in the retry queue failed; reading them from the store.")]
    public static partial void RetryLookupFailed(ILogger logger, Exception exception);

    [LoggerMessage(1020, LogLevel.Debug, "Sweeper claimed {Count} due entries.")]
    public static partial void SweepClaimed(ILogger logger, int count);

    [LoggerMessage(1021, LogLevel.Warning, "Sweeper pass failed; it runs again on the next tick.")]
    public static partial void SweepFailed(ILogger logger, Exception exception);

    [LoggerMessage(1023, LogLevel.Warning, "Looking {Count} claimed retry entries up in the store failed; they come back when their lease runs out.")]
    public static partial void ReplayConfirmFailed(ILogger logger, int count, Exception exception);

    [LoggerMessage(1022, LogLevel.Warning, "Replaying {MsgId} failed.")]
    public static partial void ReplayFailed(ILogger logger, long msgId, Exception exception);
}
