using System.Data.Common;
using Dapper;
using ImSignalR.Domain.Messaging;

namespace ImSignalR.Infrastructure.Persistence.Internal;

/// <summary>
/// The status changes of one batch (offline marks and acks), applied together after its inserts.
/// Every change only raises (<c>status &lt; new</c>, <c>read_seq</c> by MAX), so the order inside the
/// batch does not matter and all of them can be grouped: the acks of a busy node arrive as many small
/// events, and a statement each was half of the writer's work.
/// </summary>
internal sealed class StatusBatch(DbConnection connection, DbTransaction transaction, SqlDialect dialect, CancellationToken cancellationToken)
{
    private readonly List<(long MsgId, string ToUserId, MessageStatus Status)> _raises = [];
    private readonly Dictionary<(string User, string Chat), long> _readSeqs = [];

    public bool IsEmpty => _raises.Count == 0 && _readSeqs.Count == 0;

    public void Add(MessageOffline offline) =>
        _raises.Add((offline.Message.MsgId, offline.Message.ToUserId, MessageStatus.Offline));

    public void Add(MessagesAcked acked)
    {
        foreach (var id in acked.MsgIds)
        {
            _raises.Add((id, acked.ToUserId, acked.Status));
        }
        if (acked.Status >= MessageStatus.Read && acked.MaxSeq > 0)
        {
            var key = (acked.ToUserId, acked.ChatId);
            _readSeqs[key] = Math.Max(acked.MaxSeq, _readSeqs.GetValueOrDefault(key));
        }
    }

    public async Task ApplyAsync()
    {
        if (dialect.PrefersSingleRowStatements)
        {
            // No round trips to save: one prepared single-row UPDATE, re-executed.
            var rows = _raises.ConvertAll(r => new object?[] { r.MsgId, r.ToUserId, (int)r.Status });
            await RowStatement.ExecuteAsync(connection, transaction, 1, rows, 3, _ => StoreSql.RaiseStatusOfOne, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            // One UPDATE … IN (…) per recipient and status.
            foreach (var group in _raises.GroupBy(r => (r.ToUserId, r.Status)))
            {
                foreach (var chunk in group.Select(r => r.MsgId).Distinct().Chunk(SqlMessageStore.MaxIdsPerQuery))
                {
                    await connection.ExecuteAsync(new CommandDefinition(StoreSql.RaiseStatus,
                        new { Status = (int)group.Key.Status, Ids = chunk, group.Key.ToUserId }, transaction,
                        cancellationToken: cancellationToken)).ConfigureAwait(false);
                }
            }
        }
        var readSeqs = _readSeqs.Select(kv => new object?[] { kv.Value, kv.Key.User, kv.Key.Chat }).ToList();
        await RowStatement.ExecuteAsync(connection, transaction, 1, readSeqs, 3,
            _ => $"UPDATE conversations SET read_seq = {dialect.Greatest("read_seq", "@p0_0")} WHERE user_id = @p0_1 AND chat_id = @p0_2",
            cancellationToken).ConfigureAwait(false);
    }
}
