using Microsoft.Extensions.Logging;

namespace ImSignalR.Hub.Moderation;

/// <summary>Moderation log messages: event ids 9100–9199 (registry: docs/operations.md). Never the content.</summary>
internal static partial class ModerationLog
{
    [LoggerMessage(9101, LogLevel.Information, "Moderation word list loaded from {Path}: {Terms} terms.")]
    public static partial void WordsLoaded(ILogger logger, string path, int terms);

    [LoggerMessage(9102, LogLevel.Warning, "Moderation word list {Path} could not be loaded; the previous list stays in force.")]
    public static partial void WordsLoadFailed(ILogger logger, string path, Exception exception);

    [LoggerMessage(9103, LogLevel.Warning, "Moderation webhook failed or timed out; the send is {Outcome} (Im:Moderation:FailOpen).")]
    public static partial void WebhookFailed(ILogger logger, string outcome, Exception exception);
}
