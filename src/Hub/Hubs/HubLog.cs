namespace ImSignalR.Hub.Hubs;

/// <summary>Hub log messages: event ids 2000–2099.</summary>
internal static partial class HubLog
{
    [LoggerMessage(2001, LogLevel.Error, "Hub method {Method} failed unexpectedly.")]
    public static partial void UnexpectedError(ILogger logger, string method, Exception exception);
}
