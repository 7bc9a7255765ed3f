namespace ImSignalR.Hub.Hubs;

/// <summary>Hub log messages: event ids 2000–2099. Never tokens or message content.</summary>
internal static partial class HubLog
{
    [LoggerMessage(2001, LogLevel.Error, "Hub method {Method} failed unexpectedly.")]
    public static partial void UnexpectedError(ILogger logger, string method, Exception exception);

    [LoggerMessage(2002, LogLevel.Debug, "Connection {ConnectionId} refused: the user has more than {Limit} connections.")]
    public static partial void TooManyConnections(ILogger logger, string connectionId, int limit);

    [LoggerMessage(2003, LogLevel.Information, "Shutting down: refusing new hub invocations, draining in-flight ones, then closing {Connections} connections with allowReconnect.")]
    public static partial void Draining(ILogger logger, int connections);

    [LoggerMessage(2004, LogLevel.Information, "Hub drained: {InFlight} invocations still running, {Open} connections still open.")]
    public static partial void Drained(ILogger logger, int inFlight, int open);

    [LoggerMessage(2005, LogLevel.Debug, "Hub method {Method} refused with {Code}.")]
    public static partial void Refused(ILogger logger, string method, string code);

    [LoggerMessage(2006, LogLevel.Debug, "Connection {ConnectionId} closed by the server: {Code}.")]
    public static partial void FrameRejected(ILogger logger, string connectionId, string code);

    [LoggerMessage(2007, LogLevel.Information, "Refused a {Method} on the hub path from user {UserId}: the connection token was negotiated by user {Owner}.")]
    public static partial void ForeignConnectionToken(ILogger logger, string userId, string owner, string method);

    [LoggerMessage(2008, LogLevel.Debug, "Connection {ConnectionId} closed: nothing received for {Timeout}.")]
    public static partial void SilentConnectionClosed(ILogger logger, string connectionId, TimeSpan timeout);
}
