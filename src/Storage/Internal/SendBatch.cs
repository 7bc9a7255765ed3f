using System.Data.Common;
using Dapper;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Storage.Internal;

/// <summary>
/// Writes one batch inside the caller's transaction — the <see cref="MessageSent"/> events, then the
/// batch's <see cref="StatusBatch"/> — and decides each send's outcome without aborting the others:
/// <list type="number">
/// <item>within the batch the first occurrence of a msg_id or (from_user_id, client_msg_id) leads and
/// later ones follow its fate — except another send under the leader's msg_id (an id collision), which conflicts;</item>
/// <item>leaders go in INSERTs that skip unique-key conflicts;</item>
/// <item>a leader whose msg_id was stored before the batch is a redelivery → Duplicate of the stored row, unless the
/// stored row is another send (an id collision) → SeqConflict, which the log retries under a new msg_id (SeqConflictResolver);
/// one the INSERT wrote → Appended; one it skipped lost to a unique key: the same (from_user_id,
/// client_msg_id) → Duplicate of that message, otherwise (chat_id, seq) is taken by a different message
/// → SeqConflict;</item>
/// <item>both users' conversation rows are raised, and the daily statistics counted (<see cref="StatsBatch"/>), for the written rows only.</item>
/// </list>
/// MySQL runs this at READ COMMITTED, so the checks after the INSERT see rows a concurrent writer
/// committed while our INSERT waited on its key lock.
/// </summary>
/// <remarks>
/// The two engines get opposite shapes (see <see cref="RowStatement"/>). SQLite: prepared single-row
/// statements, which report per row whether they wrote it. MySQL: one <see cref="StatementRound"/> (one
/// round trip) that reads which ids are stored already, inserts, and — betting that every row is new,
/// the normal case — raises the conversations and applies the statuses behind a SAVEPOINT. When the
/// INSERT's own count (UseAffectedRows: inserts only) shows the bet lost, the round is rolled back to the
/// savepoint and redone for the rows actually written.
/// </remarks>
internal sealed class SendBatch(DbConnection connection, DbTransaction transaction, SqlDialect dialect, CancellationToken cancellationToken)
{
    private const int MaxClientKeysPerQuery = 200;

    private const string Savepoint = "im_conversations";

    public async Task ApplyAsync(List<(int Index, ChatMessage Message)> sends, AppendOutcome[] outcomes, StatusBatch statuses, StatsBatch stats)
    {
        var (leaders, followers) = Lead(sends);
        if (dialect.PrefersSingleRowStatements)
        {
            var appended = await ApplyRowByRowAsync(leaders, outcomes).ConfigureAwait(false);
            await statuses.ApplyRowByRowAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            await stats.ApplyRowByRowAsync(connection, transaction, appended, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await ApplyInRoundsAsync(leaders, outcomes, statuses, stats).ConfigureAwait(false);
        }
        foreach (var (index, leaderIndex) in followers)
        {
            if (leaderIndex < 0)
            {
                outcomes[index] = AppendOutcome.Conflict;
                continue;
            }
            var leaderOutcome = outcomes[leaderIndex];
            outcomes[index] = leaderOutcome.Status switch
            {
                AppendStatus.Appended => AppendOutcome.DuplicateOf(sends.Find(s => s.Index == leaderIndex).Message),
                AppendStatus.Duplicate => leaderOutcome,
                _ => AppendOutcome.Conflict,
            };
        }
    }

    private static (List<(int Index, ChatMessage Message)> Leaders, List<(int Index, int LeaderIndex)> Followers) Lead(
        List<(int Index, ChatMessage Message)> sends)
    {
        var leaders = new List<(int Index, ChatMessage Message)>();
        var followers = new List<(int Index, int LeaderIndex)>();
        var leaderById = new Dictionary<long, int>();
        var leaderByClientKey = new Dictionary<(string, string), int>();
        foreach (var send in sends)
        {
            var message = send.Message;
            if (leaderById.TryGetValue(message.MsgId, out var leader)
                || leaderByClientKey.TryGetValue((message.FromUserId, message.ClientMsgId), out leader))
            {
                // -1: another send under the leader's msgId (an id collision), which must not share its fate.
                followers.Add((send.Index, IsSameSend(sends.Find(s => s.Index == leader).Message, message) ? leader : -1));
            }
            else
            {
                leaderById[message.MsgId] = send.Index;
                leaderByClientKey[(message.FromUserId, message.ClientMsgId)] = send.Index;
                leaders.Add(send);
            }
        }
        return (leaders, followers);
    }

    private static bool IsSameSend(ChatMessage a, ChatMessage b) =>
        string.Equals(a.FromUserId, b.FromUserId, StringComparison.Ordinal) && string.Equals(a.ClientMsgId, b.ClientMsgId, StringComparison.Ordinal);

    /// <returns>The messages written by this batch.</returns>
    private async Task<List<ChatMessage>> ApplyRowByRowAsync(List<(int Index, ChatMessage Message)> leaders, AppendOutcome[] outcomes)
    {
        if (leaders.Count == 0)
        {
            return [];
        }
        var affected = await RowStatement.ExecuteAsync(connection, transaction, 1, MessageRows(leaders), StoreSql.MessageInsertColumnCount,
            count => dialect.InsertMessagesIgnoringConflicts(StoreSql.MessageInsertColumns, StoreSql.ValuesList(count, StoreSql.MessageInsertColumnCount)),
            cancellationToken).ConfigureAwait(false);
        var written = new HashSet<long>(leaders.Count);
        for (var i = 0; i < leaders.Count; i++)
        {
            if (affected[i] == 1)
            {
                written.Add(leaders[i].Message.MsgId);
            }
        }
        // A skipped row was stored earlier under its msg_id (a redelivery) or lost to another unique key.
        var stored = written.Count == leaders.Count ? []
            : await SelectByIdsAsync(leaders.Where(l => !written.Contains(l.Message.MsgId)).Select(l => l.Message.MsgId)).ConfigureAwait(false);
        var appended = await DecideAsync(leaders, stored, written, outcomes).ConfigureAwait(false);
        var rows = ConversationRows(appended);
        await RowStatement.ExecuteAsync(connection, transaction, 1, rows, StoreSql.ConversationInsertColumnCount,
            count => dialect.UpsertConversations(StoreSql.ConversationInsertColumns, StoreSql.ValuesList(count, StoreSql.ConversationInsertColumnCount)),
            cancellationToken).ConfigureAwait(false);
        return appended;
    }

    private async Task ApplyInRoundsAsync(List<(int Index, ChatMessage Message)> leaders, AppendOutcome[] outcomes, StatusBatch statuses, StatsBatch stats)
    {
        var stored = new Dictionary<long, ChatMessage>();
        long inserted = 0;
        var round = new StatementRound();
        if (leaders.Count > 0)
        {
            SelectByIds(round, leaders.Select(l => l.Message.MsgId), stored);
            foreach (var chunk in MessageRows(leaders).Chunk(dialect.MaxRowsPerInsert))
            {
                round.AddCounted(dialect.InsertMessagesIgnoringConflicts(StoreSql.MessageInsertColumns, StoreSql.ValuesList(chunk.Length, StoreSql.MessageInsertColumnCount)),
                    RowParameters(chunk), n => inserted += n);
            }
            round.Add("SAVEPOINT " + Savepoint, []);
            UpsertConversations(round, leaders.ConvertAll(l => l.Message));
        }
        statuses.AddTo(round);
        // Counted as if every leader was written: rolled back with the rest of the bet when it loses.
        stats.AddTo(round, leaders.ConvertAll(l => l.Message));
        await round.ExecuteAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        if (stored.Count == 0 && inserted == leaders.Count)
        {
            // The bet held: every leader was new and written, so the conversations, statuses and counters applied are right.
            foreach (var (index, _) in leaders)
            {
                outcomes[index] = AppendOutcome.Appended;
            }
            return;
        }

        round.Add("ROLLBACK TO SAVEPOINT " + Savepoint, []);
        var fresh = leaders.FindAll(l => !stored.ContainsKey(l.Message.MsgId));
        var written = new HashSet<long>(fresh.Count);
        if (inserted == fresh.Count)
        {
            written.UnionWith(fresh.Select(l => l.Message.MsgId));
        }
        else
        {
            // Present now but not before the INSERT: written by it (or by a writer that committed meanwhile, the same row).
            var present = new Dictionary<long, ChatMessage>();
            SelectByIds(round, fresh.Select(l => l.Message.MsgId), present);
            await round.ExecuteAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
            written.UnionWith(present.Keys);
        }
        var appended = await DecideAsync(leaders, stored, written, outcomes).ConfigureAwait(false);
        UpsertConversations(round, appended);
        statuses.AddTo(round);
        stats.AddTo(round, appended);
        await round.ExecuteAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sets each leader's outcome; returns the messages written by this batch.</summary>
    private async Task<List<ChatMessage>> DecideAsync(List<(int Index, ChatMessage Message)> leaders, Dictionary<long, ChatMessage> stored,
        HashSet<long> written, AppendOutcome[] outcomes)
    {
        var lost = leaders.FindAll(l => !written.Contains(l.Message.MsgId) && !stored.ContainsKey(l.Message.MsgId));
        var byClientKey = await SelectByClientKeysAsync(lost.ConvertAll(l => l.Message)).ConfigureAwait(false);
        var appended = new List<ChatMessage>(leaders.Count);
        foreach (var (index, message) in leaders)
        {
            if (stored.TryGetValue(message.MsgId, out var earlier))
            {
                // The same send again is a redelivery; another send under a stored msgId is an id collision (two nodes
                // minting from one node id), which the log retries under a new msgId instead of losing it as a "duplicate".
                outcomes[index] = IsSameSend(earlier, message) ? AppendOutcome.DuplicateOf(earlier) : AppendOutcome.Conflict;
            }
            else if (written.Contains(message.MsgId))
            {
                outcomes[index] = AppendOutcome.Appended;
                appended.Add(message);
            }
            else if (byClientKey.TryGetValue((message.FromUserId, message.ClientMsgId), out var first))
            {
                outcomes[index] = AppendOutcome.DuplicateOf(first);
            }
            else
            {
                outcomes[index] = AppendOutcome.Conflict;
            }
        }
        return appended;
    }

    private static List<object?[]> MessageRows(List<(int Index, ChatMessage Message)> leaders) =>
        leaders.ConvertAll(l => l.Message).ConvertAll(m => new object?[]
        {
            m.MsgId, m.ChatId, m.Seq, m.FromUserId, m.ToUserId, m.ClientMsgId, m.MsgFormat, m.Content, m.Ext, m.SendTime, (int)m.Status,
        });

    /// <summary>
    /// One row per (user, chat), holding the highest seq of the batch; sorted so that concurrent batches
    /// lock conversation rows in the same order (no lock-order deadlocks on MySQL).
    /// </summary>
    private static List<object?[]> ConversationRows(List<ChatMessage> appended)
    {
        var newest = new Dictionary<(string User, string Chat), (string Peer, ChatMessage Message)>();
        foreach (var m in appended)
        {
            Raise(newest, m.FromUserId, m.ToUserId, m);
            Raise(newest, m.ToUserId, m.FromUserId, m);
        }
        return newest.OrderBy(kv => kv.Key.User, StringComparer.Ordinal).ThenBy(kv => kv.Key.Chat, StringComparer.Ordinal)
            .Select(kv => new object?[] { kv.Key.User, kv.Key.Chat, kv.Value.Peer, kv.Value.Message.MsgId, kv.Value.Message.Seq, 0L, kv.Value.Message.SendTime })
            .ToList();

        static void Raise(Dictionary<(string, string), (string, ChatMessage)> newest, string user, string peer, ChatMessage m)
        {
            var key = (user, m.ChatId);
            if (!newest.TryGetValue(key, out var current) || current.Item2.Seq < m.Seq)
            {
                newest[key] = (peer, m);
            }
        }
    }

    private void UpsertConversations(StatementRound round, List<ChatMessage> appended)
    {
        foreach (var chunk in ConversationRows(appended).Chunk(dialect.MaxRowsPerInsert))
        {
            round.Add(dialect.UpsertConversations(StoreSql.ConversationInsertColumns, StoreSql.ValuesList(chunk.Length, StoreSql.ConversationInsertColumnCount)),
                RowParameters(chunk));
        }
    }

    private static List<KeyValuePair<string, object?>> RowParameters(object?[][] rows)
    {
        var parameters = new List<KeyValuePair<string, object?>>(rows.Length * (rows.Length == 0 ? 0 : rows[0].Length));
        for (var r = 0; r < rows.Length; r++)
        {
            for (var c = 0; c < rows[r].Length; c++)
            {
                parameters.Add(new("@" + StoreSql.ParameterName(r, c), rows[r][c]));
            }
        }
        return parameters;
    }

    private static void SelectByIds(StatementRound round, IEnumerable<long> ids, Dictionary<long, ChatMessage> into)
    {
        var parser = (Func<DbDataReader, MessageRow>?)null;
        foreach (var chunk in ids.Distinct().Chunk(SqlMessageStore.MaxIdsPerQuery))
        {
            round.AddQuery(StoreSql.SelectByIdList(chunk.Length), StoreSql.IdParameters(chunk), reader =>
            {
                parser ??= reader.GetRowParser<MessageRow>();
                var row = parser(reader);
                into[row.MsgId] = row.ToMessage();
            });
        }
    }

    private async Task<Dictionary<long, ChatMessage>> SelectByIdsAsync(IEnumerable<long> ids)
    {
        var result = new Dictionary<long, ChatMessage>();
        foreach (var chunk in ids.Distinct().Chunk(SqlMessageStore.MaxIdsPerQuery))
        {
            var rows = await connection.QueryAsync<MessageRow>(new CommandDefinition(StoreSql.SelectByIds, new { Ids = chunk }, transaction,
                cancellationToken: cancellationToken)).ConfigureAwait(false);
            foreach (var row in rows)
            {
                result[row.MsgId] = row.ToMessage();
            }
        }
        return result;
    }

    private async Task<Dictionary<(string, string), ChatMessage>> SelectByClientKeysAsync(List<ChatMessage> messages)
    {
        var result = new Dictionary<(string, string), ChatMessage>();
        foreach (var chunk in messages.Chunk(MaxClientKeysPerQuery))
        {
            var parameters = new DynamicParameters();
            for (var i = 0; i < chunk.Length; i++)
            {
                parameters.Add("f" + i, chunk[i].FromUserId);
                parameters.Add("c" + i, chunk[i].ClientMsgId);
            }
            var rows = await connection.QueryAsync<MessageRow>(new CommandDefinition(StoreSql.SelectByClientMsgIds(chunk.Length), parameters,
                transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
            foreach (var row in rows)
            {
                result[(row.FromUserId, row.ClientMsgId)] = row.ToMessage();
            }
        }
        return result;
    }
}
