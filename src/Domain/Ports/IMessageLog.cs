using ImSignalR.Domain.Messaging;

namespace ImSignalR.Domain.Ports;

/// <summary>
/// The durable point of the send path (SPEC G1). Adapters: the direct log (group commit into the
/// store) and the RocketMQ log (SEND_OK from the broker). When <see cref="AppendAsync"/> returns,
/// the event survives a crash of this process; when it throws, nothing may be reported accepted.
/// </summary>
public interface IMessageLog
{
    /// <summary>Makes <paramref name="logEvent"/> durable.</summary>
    /// <exception cref="Errors.ImException">
    /// <c>IM_LOG_UNAVAILABLE</c> or <c>IM_STORE_UNAVAILABLE</c> (retriable) when durability could not be reached.
    /// </exception>
    ValueTask<AppendOutcome> AppendAsync(LogEvent logEvent, CancellationToken cancellationToken);
}
