namespace ImSignalR.Hub.Auth;

/// <summary>Auth log messages: event ids 2100–2199. Never tokens.</summary>
internal static partial class AuthLog
{
    [LoggerMessage(2101, LogLevel.Debug, "A bearer token was rejected ({Reason}).")]
    public static partial void TokenRejected(ILogger logger, string reason);
}
