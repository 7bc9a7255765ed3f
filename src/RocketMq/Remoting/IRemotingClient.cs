namespace ImSignalR.RocketMq.Remoting;

/// <summary>
/// The seam between the RocketMQ producer/consumer and the wire: request/response, oneway, and requests the
/// servers send (NOTIFY_CONSUMER_IDS_CHANGED …). The hand-written <see cref="RemotingClient"/> implements it;
/// an official client can replace the producer/consumer behind <c>IRocketMqProducer</c>/<c>IMessageLog</c>.
/// </summary>
internal interface IRemotingClient : IAsyncDisposable
{
    /// <summary>Raised for ONEWAY requests from a server, e.g. NOTIFY_CONSUMER_IDS_CHANGED (40).</summary>
    event Action<string, RemotingCommand>? Notification;

    /// <exception cref="RocketMqProtocolException">Unreachable, timed out, closed, or malformed reply.</exception>
    Task<RemotingCommand> InvokeAsync(string address, RemotingCommand request, TimeSpan timeout, CancellationToken cancellationToken);

    Task InvokeOnewayAsync(string address, RemotingCommand request, CancellationToken cancellationToken);

    /// <summary>Closes the connection to <paramref name="address"/> so the next call reconnects.</summary>
    ValueTask CloseAsync(string address);
}
