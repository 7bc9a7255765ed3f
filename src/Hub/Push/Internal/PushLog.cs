using Microsoft.Extensions.Logging;

namespace ImSignalR.Hub.Push.Internal;

/// <summary>Logs of the push hook: event ids 9000–9099 (registry in docs/operations.md). Never the content.</summary>
internal static partial class PushLog
{
    [LoggerMessage(EventId = 9001, Level = LogLevel.Warning, Message = "Push webhook attempt {Attempt} for {Count} notifications failed ({Reason}); retrying in {DelayMs} ms")]
    public static partial void Retrying(ILogger logger, int attempt, int count, string reason, long delayMs);

    [LoggerMessage(EventId = 9002, Level = LogLevel.Error, Message = "Push webhook batch of {Count} notifications dropped after {Attempts} attempts ({Reason})")]
    public static partial void GaveUp(ILogger logger, int count, int attempts, string reason);

    [LoggerMessage(EventId = 9003, Level = LogLevel.Warning, Message = "Push webhook refused a batch of {Count} notifications with HTTP {Status}; not retried")]
    public static partial void Rejected(ILogger logger, int count, int status);

    [LoggerMessage(EventId = 9004, Level = LogLevel.Debug, Message = "Push queue full: the oldest notification was dropped")]
    public static partial void QueueFull(ILogger logger);

    [LoggerMessage(EventId = 9005, Level = LogLevel.Warning, Message = "Push hook could not look up {What} for user {UserId}; sending without it")]
    public static partial void LookupFailed(ILogger logger, string what, string userId, Exception exception);

    [LoggerMessage(EventId = 9006, Level = LogLevel.Information, Message = "Push webhook enabled: {Host}, batches of up to {BatchMaxSize}, preview {IncludePreview}")]
    public static partial void Enabled(ILogger logger, string host, int batchMaxSize, bool includePreview);
}
