using System.Data.Common;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Storage.Internal;

/// <summary>
/// The write path. Group events first (<see cref="GroupApply"/>), then the C2C sends before status changes: a batch is in log order, and an ack or an
/// offline mark can only follow its send, while every update is monotonic (status raised, read_seq and
/// last_seq by MAX) — so "all inserts, then all updates" gives the same rows as strict event order,
/// with the inserts in <see cref="SendBatch"/> and the updates grouped in <see cref="StatusBatch"/>
/// instead of a statement per event. The daily statistics (<see cref="StatsBatch"/>) go last, in the same transaction.
/// </summary>
internal abstract partial class SqlMessageStore
{
    /// <summary>Runs of one batch that a deadlock may cost before the failure reaches the caller.</summary>
    private const int MaxDeadlockAttempts = 3;

    public async Task<IReadOnlyList<AppendOutcome>> ApplyAsync(IReadOnlyList<LogEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return [];
        }
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await RunInWriteTransactionAsync(
                    (connection, transaction, token) => ApplyInTransactionAsync(connection, transaction, events, token),
                    cancellationToken).ConfigureAwait(false);
            }
            catch (Exception ex) when (attempt < MaxDeadlockAttempts && Dialect.IsDeadlockVictim(ex) && !cancellationToken.IsCancellationRequested)
            {
                // Rolled back whole by the engine: run the batch again (concurrent writers of one conversation
                // or one user's acks can meet in the opposite lock order).
            }
            catch (Exception ex) when (StoreFailures.IsDriverFailure(ex))
            {
                throw StoreFailures.Translate(ex, nameof(ApplyAsync), cancellationToken);
            }
        }
    }

    private async Task<IReadOnlyList<AppendOutcome>> ApplyInTransactionAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<LogEvent> events, CancellationToken cancellationToken)
    {
        var outcomes = new AppendOutcome[events.Count];
        var sends = new List<(int Index, ChatMessage Message)>();
        var stats = new StatsBatch(Dialect);
        var statuses = new StatusBatch(Dialect, stats);
        List<(int Index, LogEvent Event)>? groupEvents = null;
        for (var i = 0; i < events.Count; i++)
        {
            switch (events[i])
            {
                case MessageSent sent:
                    sends.Add((i, sent.Message));
                    break;
                case MessageOffline offline:
                    statuses.Add(offline);
                    outcomes[i] = AppendOutcome.Appended;
                    break;
                case MessagesAcked acked:
                    statuses.Add(acked);
                    outcomes[i] = AppendOutcome.Appended;
                    break;
                case MessageRecalled recalled:
                    statuses.Add(recalled);
                    outcomes[i] = AppendOutcome.Appended;
                    break;
                case GroupMessageSent or GroupChanged or GroupReadAdvanced:
                    (groupEvents ??= []).Add((i, events[i]));
                    break;
                default:
                    throw new ArgumentException($"Unknown log event type {events[i].GetType().Name}.", nameof(events));
            }
        }
        if (groupEvents is not null)
        {
            // Group timelines share no rows with C2C conversations, so their order relative to the C2C events does not matter.
            // They go first: their counts then join the batch's one set of statistics statements (written in (day, user)
            // order with the C2C senders'), and a group message's recall in the same batch finds its row.
            await new GroupApply(connection, transaction, Dialect, stats, cancellationToken).ApplyAsync(groupEvents, outcomes).ConfigureAwait(false);
        }
        await new SendBatch(connection, transaction, Dialect, cancellationToken).ApplyAsync(sends, outcomes, statuses, stats).ConfigureAwait(false);
        return outcomes;
    }
}
