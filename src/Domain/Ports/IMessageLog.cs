using ImSignalR.Domain.Messaging;

namespace ImSignalR.Domain.Ports;

/// <summary>
/// The durable point of the send path (SPEC G1). Adapters: the direct log (group commit into the
/// store) and the RocketMQ log (SEND_OK from the broker). When <see cref="AppendAsync"/> returns,
/// the event survives a crash of this process; when it throws, nothing may be reported accepted.
/// </summary>
public interface IMessageLog
{
    /// <summary>
    /// Makes <paramref name="logEvent"/> durable. The outcome is <see cref="AppendStatus.Appended"/> (with
    /// <see cref="AppendOutcome.Stored"/> set when the log had to move a send to another seq) or, for a log that knows
    /// the store's answer, <see cref="AppendStatus.Duplicate"/>; never <see cref="AppendStatus.SeqConflict"/>: a log
    /// whose store refuses a seq resolves it (<see cref="Sequencing.SeqConflictResolver"/>) or throws.
    /// </summary>
    /// <exception cref="Errors.ImException">
    /// <c>IM_LOG_UNAVAILABLE</c> or <c>IM_STORE_UNAVAILABLE</c> (retriable) when durability could not be reached.
    /// </exception>
    ValueTask<AppendOutcome> AppendAsync(LogEvent logEvent, CancellationToken cancellationToken);

    /// <summary>
    /// Starts an append and returns once the event's place in the log is fixed, with a task that
    /// completes when it is durable. Events whose <see cref="BeginAppendAsync"/> calls complete one
    /// after another become durable in that order, so a caller can hold a per-conversation lock only
    /// while the place is taken, not during the whole write. The default waits for durability,
    /// which is always correct; the direct log returns as soon as the event is queued.
    /// </summary>
    async ValueTask<Task<AppendOutcome>> BeginAppendAsync(LogEvent logEvent, CancellationToken cancellationToken)
    {
        var outcome = await AppendAsync(logEvent, cancellationToken).ConfigureAwait(false);
        return Task.FromResult(outcome);
    }
}
