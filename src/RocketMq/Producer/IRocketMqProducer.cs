namespace ImSignalR.RocketMq.Producer;

/// <summary>The producer seam: an official RocketMQ client can implement it instead of <see cref="RocketMqProducer"/>.</summary>
internal interface IRocketMqProducer : IAsyncDisposable
{
    /// <summary>Sends synchronously; returns only when the broker stored the message (SEND_OK).</summary>
    /// <exception cref="Remoting.RocketMqProtocolException">Not stored: unreachable, refused, or timed out.</exception>
    Task<BrokerSendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken);

    /// <summary>Whether sends can be stored now (readiness), with a short reason.</summary>
    Task<(ProbeStatus Status, string Description)> ProbeAsync(CancellationToken cancellationToken);
}

// Public (issue 15) only so samples/ServiceClient can use this client without InternalsVisibleTo; not a supported API.
public enum ProbeStatus
{
    Healthy,
    Degraded,
    Unhealthy,
}
