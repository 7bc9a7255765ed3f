using System.Data.Common;
using Dapper;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Infrastructure.Persistence.Internal;

/// <summary>
/// Inserts the <see cref="MessageSent"/> events of one batch inside the caller's transaction and decides
/// each one's outcome without aborting the others:
/// <list type="number">
/// <item>rows whose msg_id is stored already are redeliveries → Duplicate of the stored row;</item>
/// <item>the rest go in multi-row INSERTs that skip unique-key conflicts;</item>
/// <item>a row now present under its msg_id was written → Appended; a row absent lost to a unique key:
/// the same (from_user_id, client_msg_id) → Duplicate of that message, otherwise (chat_id, seq) is taken
/// by a different message → SeqConflict;</item>
/// <item>both users' conversation rows are raised for the written rows only.</item>
/// </list>
/// MySQL runs this at READ COMMITTED, so the checks after the INSERT see rows a concurrent writer
/// committed while our INSERT waited on its key lock.
/// </summary>
internal sealed class SendBatch(DbConnection connection, DbTransaction transaction, SqlDialect dialect, CancellationToken cancellationToken)
{
    private const int MaxClientKeysPerQuery = 200;

    public async Task ApplyAsync(List<(int Index, ChatMessage Message)> sends, AppendOutcome[] outcomes)
    {
        var stored = await SelectByIdsAsync(sends.Select(s => s.Message.MsgId)).ConfigureAwait(false);

        // Within the batch the first occurrence of a msg_id or client key leads; later ones follow its fate.
        var leaders = new List<(int Index, ChatMessage Message)>();
        var followers = new List<(int Index, int LeaderIndex)>();
        var leaderById = new Dictionary<long, int>();
        var leaderByClientKey = new Dictionary<(string, string), int>();
        foreach (var send in sends)
        {
            var message = send.Message;
            if (stored.TryGetValue(message.MsgId, out var existing))
            {
                outcomes[send.Index] = AppendOutcome.DuplicateOf(existing);
            }
            else if (leaderById.TryGetValue(message.MsgId, out var leader)
                || leaderByClientKey.TryGetValue((message.FromUserId, message.ClientMsgId), out leader))
            {
                followers.Add((send.Index, leader));
            }
            else
            {
                leaderById[message.MsgId] = send.Index;
                leaderByClientKey[(message.FromUserId, message.ClientMsgId)] = send.Index;
                leaders.Add(send);
            }
        }

        if (leaders.Count > 0)
        {
            await InsertAsync(leaders.ConvertAll(l => l.Message)).ConfigureAwait(false);
            var written = await SelectByIdsAsync(leaders.Select(l => l.Message.MsgId)).ConfigureAwait(false);
            var lost = leaders.FindAll(l => !written.ContainsKey(l.Message.MsgId));
            var byClientKey = await SelectByClientKeysAsync(lost.ConvertAll(l => l.Message)).ConfigureAwait(false);
            var appended = new List<ChatMessage>(leaders.Count);
            foreach (var (index, message) in leaders)
            {
                if (written.ContainsKey(message.MsgId))
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
            await UpsertConversationsAsync(appended).ConfigureAwait(false);
        }

        foreach (var (index, leaderIndex) in followers)
        {
            var leaderOutcome = outcomes[leaderIndex];
            outcomes[index] = leaderOutcome.Status switch
            {
                AppendStatus.Appended => AppendOutcome.DuplicateOf(sends.Find(s => s.Index == leaderIndex).Message),
                AppendStatus.Duplicate => leaderOutcome,
                _ => AppendOutcome.Conflict,
            };
        }
    }

    private async Task InsertAsync(List<ChatMessage> messages)
    {
        foreach (var chunk in messages.Chunk(dialect.MaxRowsPerInsert))
        {
            var parameters = new DynamicParameters();
            for (var r = 0; r < chunk.Length; r++)
            {
                var m = chunk[r];
                BindRow(parameters, r,
                    [m.MsgId, m.ChatId, m.Seq, m.FromUserId, m.ToUserId, m.ClientMsgId, m.MsgFormat, m.Content, m.Ext, m.SendTime, (int)m.Status]);
            }
            var sql = dialect.InsertMessagesIgnoringConflicts(StoreSql.MessageInsertColumns,
                StoreSql.ValuesList(chunk.Length, StoreSql.MessageInsertColumnCount));
            await connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken))
                .ConfigureAwait(false);
        }
    }

    private async Task UpsertConversationsAsync(List<ChatMessage> appended)
    {
        if (appended.Count == 0)
        {
            return;
        }
        // One row per (user, chat), holding the highest seq of the batch; sorted so that concurrent
        // batches lock conversation rows in the same order (no lock-order deadlocks on MySQL).
        var newest = new Dictionary<(string User, string Chat), (string Peer, ChatMessage Message)>();
        foreach (var m in appended)
        {
            Raise(newest, m.FromUserId, m.ToUserId, m);
            Raise(newest, m.ToUserId, m.FromUserId, m);
        }
        var rows = newest.OrderBy(kv => kv.Key.User, StringComparer.Ordinal).ThenBy(kv => kv.Key.Chat, StringComparer.Ordinal).ToList();
        foreach (var chunk in rows.Chunk(dialect.MaxRowsPerInsert))
        {
            var parameters = new DynamicParameters();
            for (var r = 0; r < chunk.Length; r++)
            {
                var ((user, chat), (peer, m)) = chunk[r];
                BindRow(parameters, r, [user, chat, peer, m.MsgId, m.Seq, 0L, m.SendTime]);
            }
            var sql = dialect.UpsertConversations(StoreSql.ConversationInsertColumns,
                StoreSql.ValuesList(chunk.Length, StoreSql.ConversationInsertColumnCount));
            await connection.ExecuteAsync(new CommandDefinition(sql, parameters, transaction, cancellationToken: cancellationToken))
                .ConfigureAwait(false);
        }

        static void Raise(Dictionary<(string, string), (string, ChatMessage)> newest, string user, string peer, ChatMessage m)
        {
            var key = (user, m.ChatId);
            if (!newest.TryGetValue(key, out var current) || current.Item2.Seq < m.Seq)
            {
                newest[key] = (peer, m);
            }
        }
    }

    /// <summary>Binds one VALUES row, in the column order of the statement (see <see cref="StoreSql.ValuesList"/>).</summary>
    private static void BindRow(DynamicParameters parameters, int row, object?[] values)
    {
        for (var c = 0; c < values.Length; c++)
        {
            parameters.Add(StoreSql.ParameterName(row, c), values[c]);
        }
    }

    private async Task<Dictionary<long, ChatMessage>> SelectByIdsAsync(IEnumerable<long> ids)
    {
        var result = new Dictionary<long, ChatMessage>();
        foreach (var chunk in ids.Distinct().Chunk(dialect.MaxRowsPerInsert))
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
