using Microsoft.Extensions.Logging;

namespace ImSignalR.Domain.Direct;

/// <summary>Direct log messages: event ids 6000–6099.</summary>
internal static partial class DirectLogLog
{
    [LoggerMessage(6001, LogLevel.Trace, "Committed a batch of {Count} events.")]
    public static partial void BatchCommitted(ILogger logger, int count);

    [LoggerMessage(6002, LogLevel.Error, "A batch of {Count} events was not committed; every send in it fails with a retriable error.")]
    public static partial void BatchFailed(ILogger logger, int count, Exception exception);
}
