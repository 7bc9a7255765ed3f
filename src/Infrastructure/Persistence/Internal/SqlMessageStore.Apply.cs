using System.Data.Common;
using Dapper;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Infrastructure.Persistence.Internal;

/// <summary>
/// The write path. Sends are applied before status changes: a batch is in log order, and an ack or an
/// offline mark can only follow its send, while every update is monotonic (status raised, read_seq and
/// last_seq by MAX) — so "all inserts, then all updates" gives the same rows as strict event order,
/// with the inserts in <see cref="SendBatch"/> and the updates grouped in <see cref="StatusBatch"/>
/// instead of a statement per event.
/// </summary>
internal abstract partial class SqlMessageStore
{
    public async Task<IReadOnlyList<AppendOutcome>> ApplyAsync(IReadOnlyList<LogEvent> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(events);
        if (events.Count == 0)
        {
            return [];
        }
        try
        {
            return await RunInWriteTransactionAsync(
                (connection, transaction, token) => ApplyInTransactionAsync(connection, transaction, events, token),
                cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (StoreFailures.IsDriverFailure(ex))
        {
            throw StoreFailures.Translate(ex, nameof(ApplyAsync), cancellationToken);
        }
    }

    private async Task<IReadOnlyList<AppendOutcome>> ApplyInTransactionAsync(
        DbConnection connection, DbTransaction transaction, IReadOnlyList<LogEvent> events, CancellationToken cancellationToken)
    {
        var outcomes = new AppendOutcome[events.Count];
        var sends = new List<(int Index, ChatMessage Message)>();
        for (var i = 0; i < events.Count; i++)
        {
            if (events[i] is MessageSent sent)
            {
                sends.Add((i, sent.Message));
            }
            else
            {
                outcomes[i] = AppendOutcome.Appended;
            }
        }
        if (sends.Count > 0)
        {
            var batch = new SendBatch(connection, transaction, Dialect, cancellationToken);
            await batch.ApplyAsync(sends, outcomes).ConfigureAwait(false);
        }
        var statuses = new StatusBatch(connection, transaction, Dialect, cancellationToken);
        foreach (var @event in events)
        {
            switch (@event)
            {
                case MessageSent:
                    break;
                case MessageOffline offline:
                    statuses.Add(offline);
                    break;
                case MessagesAcked acked:
                    statuses.Add(acked);
                    break;
                default:
                    throw new ArgumentException($"Unknown log event type {@event.GetType().Name}.", nameof(events));
            }
        }
        if (!statuses.IsEmpty)
        {
            await statuses.ApplyAsync().ConfigureAwait(false);
        }
        return outcomes;
    }
}
