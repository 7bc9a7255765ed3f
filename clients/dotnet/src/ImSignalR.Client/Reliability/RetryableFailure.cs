namespace ImSignalR.Client.Reliability;

/// <summary>Which call failures mean "nothing is known to have happened, try again".</summary>
internal static class RetryableFailure
{
    /// <summary>The connection went away or the call timed out: try again on the next connection.</summary>
    public static bool IsTransport(Exception ex) => ex is ImConnectionException or TimeoutException or ImProtocolException;

    /// <summary>The server refused with a retriable code (store down, send in progress, rate limited…).</summary>
    public static bool IsRetriableServer(Exception ex) => ex is ImServerException { IsRetriable: true };
}
