namespace ImSignalR.Client.Reliability;

/// <summary>Hands out the calls of the current connection, waiting through reconnects.</summary>
internal interface IHubCallsSource
{
    /// <summary>The current connection's calls; waits until one is connected.</summary>
    ValueTask<IHubCalls> WaitForConnectionAsync(CancellationToken cancellationToken);
}
