namespace ImSignalR.Client.Reliability;

/// <summary>Which call failures mean "nothing is known to have happened, try again".</summary>
internal static class RetryableFailure
{
    /// <summary>The connection went away or the call timed out: try again on the next connection.</summary>
    /// <remarks>Not <see cref="ImProtocolException"/> (a result this SDK cannot read): the official
    /// client keeps the connection open after one, so the same call would get the same answer again.</remarks>
    public static bool IsTransport(Exception ex) => ex is ImConnectionException or TimeoutException;

    /// <summary>The server refused with a retriable code (store down, send in progress, rate limited…).</summary>
    public static bool IsRetriableServer(Exception ex) => ex is ImServerException { IsRetriable: true };
}
