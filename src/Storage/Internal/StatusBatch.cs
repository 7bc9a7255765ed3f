using System.Data.Common;
using ImSignalR.Domain.Messaging;

namespace ImSignalR.Storage.Internal;

/// <summary>
/// The status changes of one batch (offline marks and acks), applied together after its inserts.
/// Every change only raises (<c>status &lt; new</c>, <c>read_seq</c> by MAX), so the order inside the
/// batch does not matter and all of them can be grouped: the acks of a busy node arrive as many small
/// events, and a statement each was half of the writer's work.
/// </summary>
/// <remarks>Recalls that took effect are counted into <see cref="StatsBatch"/> (SPEC §12).</remarks>
internal sealed class StatusBatch(SqlDialect dialect, StatsBatch stats)
{
    private readonly List<(long MsgId, string ToUserId, MessageStatus Status)> _raises = [];
    private readonly Dictionary<(string User, string Chat), long> _readSeqs = [];
    private readonly List<(long MsgId, string FromUserId, int Day)> _recalls = [];

    public bool IsEmpty => _raises.Count == 0 && _readSeqs.Count == 0 && _recalls.Count == 0;

    /// <summary>Recalls erase content (idempotent); only the sender's own row matches.</summary>
    public void Add(MessageRecalled recalled) => _recalls.Add((recalled.MsgId, recalled.FromUserId, StatsDays.FromUnixMs(recalled.Time)));

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

    /// <summary>SQLite: one prepared single-row UPDATE, re-executed (no round trips to save).</summary>
    public async Task ApplyRowByRowAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var rows = _raises.ConvertAll(r => new object?[] { r.MsgId, r.ToUserId, (int)r.Status });
        await RowStatement.ExecuteAsync(connection, transaction, 1, rows, 3, _ => StoreSql.RaiseStatusOfOne, cancellationToken).ConfigureAwait(false);
        var readSeqs = _readSeqs.Select(kv => new object?[] { kv.Value, kv.Key.User, kv.Key.Chat }).ToList();
        await RowStatement.ExecuteAsync(connection, transaction, 1, readSeqs, 3, _ => RaiseReadSeq("@p0_0", "@p0_1", "@p0_2"), cancellationToken)
            .ConfigureAwait(false);
        var recalls = _recalls.ConvertAll(r => new object?[] { r.MsgId, r.FromUserId });
        var changed = await RowStatement.ExecuteAsync(connection, transaction, 1, recalls, 2, _ => StoreSql.RecallOne, cancellationToken).ConfigureAwait(false);
        for (var i = 0; i < _recalls.Count; i++)
        {
            stats.AddRecalls(_recalls[i].Day, changed[i]);
        }
    }

    /// <summary>
    /// MySQL: one <c>UPDATE … IN (…)</c> per recipient and status, one read_seq raise per conversation, one recall UPDATE per
    /// day, all in <paramref name="round"/>.
    /// </summary>
    public void AddTo(StatementRound round)
    {
        foreach (var group in _raises.GroupBy(r => (r.ToUserId, r.Status)))
        {
            foreach (var chunk in group.Select(r => r.MsgId).Distinct().Chunk(SqlMessageStore.MaxIdsPerQuery))
            {
                round.Add(StoreSql.RaiseStatus(chunk.Length),
                    StoreSql.IdParameters(chunk, new("@Status", (int)group.Key.Status), new("@ToUserId", group.Key.ToUserId)));
            }
        }
        foreach (var ((user, chat), seq) in _readSeqs)
        {
            round.Add(RaiseReadSeq("@Seq", "@UserId", "@ChatId"), [new("@Seq", seq), new("@UserId", user), new("@ChatId", chat)]);
        }
        // Per day, one UPDATE of its recalls, then the count of those that took effect (ROW_COUNT, next statement).
        foreach (var day in _recalls.GroupBy(r => r.Day).OrderBy(g => g.Key))
        {
            foreach (var chunk in day.OrderBy(r => r.MsgId).Chunk(SqlMessageStore.MaxIdsPerQuery))
            {
                var parameters = new List<KeyValuePair<string, object?>>(chunk.Length * 2);
                for (var i = 0; i < chunk.Length; i++)
                {
                    parameters.Add(new("@i" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), chunk[i].MsgId));
                    parameters.Add(new("@f" + i.ToString(System.Globalization.CultureInfo.InvariantCulture), chunk[i].FromUserId));
                }
                round.Add(StatsSql.RecallMany(chunk.Length), parameters);
                stats.AddRecallCountTo(round, day.Key);
            }
        }
    }

    private string RaiseReadSeq(string seq, string user, string chat) =>
        $"UPDATE conversations SET read_seq = {dialect.Greatest("read_seq", seq)} WHERE user_id = {user} AND chat_id = {chat}";
}
