using ImSignalR.Domain.Messaging;

namespace ImSignalR.Domain.Ports;

/// <summary>
/// The durable point of group events (G1 for groups): commits them into the store, in the order their places were
/// taken. Group events always go straight to the store, whatever <see cref="IMessageLog"/> is, because membership
/// decides who may read and send and must be read back at once (the RocketMQ consumer's lag would let a removed
/// member through).
/// </summary>
public interface IGroupLog
{
    /// <inheritdoc cref="IMessageLog.BeginAppendAsync"/>
    ValueTask<Task<AppendOutcome>> BeginAppendAsync(LogEvent logEvent, CancellationToken cancellationToken);
}
