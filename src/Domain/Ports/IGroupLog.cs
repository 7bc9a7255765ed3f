using ImSignalR.Domain.Messaging;

namespace ImSignalR.Domain.Ports;

/// <summary>
/// The durable point of group events (G1 for groups), in the order their places were taken. Membership decides who
/// may read and send and is read back from the store by the next call, so an adapter's completion task completes
/// only once the store has applied the event, with the store's outcome (appended, perhaps at a new seq, or
/// duplicate; a seq conflict is resolved inside the log): the direct log commits into the store itself; the
/// RocketMQ log (the group topic, SPEC §10) waits, bounded, for the persistence consumer to have applied it, since
/// the consumer's lag would otherwise let a removed member through.
/// </summary>
public interface IGroupLog
{
    /// <inheritdoc cref="IMessageLog.BeginAppendAsync"/>
    ValueTask<Task<AppendOutcome>> BeginAppendAsync(LogEvent logEvent, CancellationToken cancellationToken);
}
