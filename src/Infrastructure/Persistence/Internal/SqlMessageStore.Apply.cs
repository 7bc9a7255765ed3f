using System.Data.Common;
using Dapper;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Infrastructure.Persistence.Internal;

/// <summary>
/// The write path. Sends are applied before status changes: a batch is in log order, and an ack or an
/// offline mark can only follow its send, while every update is monotonic (status raised, read_seq and
/// last_seq by MAX) — so "all inserts, then all updates" gives the same rows as strict event order,
/// with one multi-row INSERT per chunk instead of a statement per event.
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
        foreach (var @event in events)
        {
            switch (@event)
            {
                case MessageSent:
                    break;
                case MessageOffline offline:
                    await RaiseStatusAsync(connection, transaction, [offline.Message.MsgId], offline.Message.ToUserId, null,
                        MessageStatus.Offline, cancellationToken).ConfigureAwait(false);
                    break;
                case MessagesAcked acked:
                    await ApplyAckAsync(connection, transaction, acked, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw new ArgumentException($"Unknown log event type {@event.GetType().Name}.", nameof(events));
            }
        }
        return outcomes;
    }

    private async Task ApplyAckAsync(DbConnection connection, DbTransaction transaction, MessagesAcked acked, CancellationToken cancellationToken)
    {
        foreach (var chunk in acked.MsgIds.Distinct().Chunk(MaxIdsPerQuery))
        {
            await RaiseStatusAsync(connection, transaction, chunk, acked.ToUserId, acked.ChatId, acked.Status, cancellationToken)
                .ConfigureAwait(false);
        }
        if (acked.Status >= MessageStatus.Read && acked.MaxSeq > 0)
        {
            var sql = $"UPDATE conversations SET read_seq = {Dialect.Greatest("read_seq", "@MaxSeq")} WHERE user_id = @UserId AND chat_id = @ChatId";
            await connection.ExecuteAsync(new CommandDefinition(sql,
                new { acked.MaxSeq, UserId = acked.ToUserId, acked.ChatId }, transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
    }

    private static Task<int> RaiseStatusAsync(DbConnection connection, DbTransaction transaction, long[] msgIds, string toUserId,
        string? chatId, MessageStatus status, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition(StoreSql.RaiseStatus(byChat: chatId is not null),
            new { Status = (int)status, Ids = msgIds, ToUserId = toUserId, ChatId = chatId }, transaction,
            cancellationToken: cancellationToken));
}
