using System.Data.Common;
using Dapper;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Infrastructure.Persistence.Internal;

/// <summary>
/// Inserts the <see cref="MessageSent"/> events of one batch inside the caller's transaction and decides
/// each one's outcome without aborting the others:
/// <list type="number">
/// <item>rows whose msg_id is stored already are redeliveries → Duplicate of the stored row (looked up
/// before the INSERT for multi-row statements, after it for the rows a single-row statement skipped);</item>
/// <item>the rest go in INSERTs that skip unique-key conflicts;</item>
/// <item>a row the INSERT wrote → Appended; a row it skipped lost to a unique key:
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
        // Single-row statements report per row whether they wrote it, so rows stored earlier show up
        // among the lost ones after the INSERT; a multi-row INSERT does not say which rows it skipped.
        var perRow = dialect.PrefersSingleRowStatements;
        var stored = perRow ? [] : await SelectByIdsAsync(sends.Select(s => s.Message.MsgId)).ConfigureAwait(false);

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
            var affected = await InsertAsync(leaders.ConvertAll(l => l.Message)).ConfigureAwait(false);
            var written = new HashSet<long>(leaders.Count);
            Dictionary<long, ChatMessage> storedEarlier = [];
            if (perRow)
            {
                for (var i = 0; i < leaders.Count; i++)
                {
                    if (affected[i] == 1)
                    {
                        written.Add(leaders[i].Message.MsgId);
                    }
                }
                if (written.Count < leaders.Count)
                {
                    storedEarlier = await SelectByIdsAsync(leaders.Where(l => !written.Contains(l.Message.MsgId)).Select(l => l.Message.MsgId))
                        .ConfigureAwait(false);
                }
            }
            else if (affected.Sum() == leaders.Count)
            {
                // Affected rows count inserts only (the MySQL factory sets UseAffectedRows, and the duplicate-key
                // update changes nothing), so every row was written: no lookup needed.
                written.UnionWith(leaders.Select(l => l.Message.MsgId));
            }
            else
            {
                written.UnionWith((await SelectByIdsAsync(leaders.Select(l => l.Message.MsgId)).ConfigureAwait(false)).Keys);
            }
            var lost = leaders.FindAll(l => !written.Contains(l.Message.MsgId) && !storedEarlier.ContainsKey(l.Message.MsgId));
            var byClientKey = await SelectByClientKeysAsync(lost.ConvertAll(l => l.Message)).ConfigureAwait(false);
            var appended = new List<ChatMessage>(leaders.Count);
            foreach (var (index, message) in leaders)
            {
                if (written.Contains(message.MsgId))
                {
                    outcomes[index] = AppendOutcome.Appended;
                    appended.Add(message);
                }
                else if (storedEarlier.TryGetValue(message.MsgId, out var earlier))
                {
                    outcomes[index] = AppendOutcome.DuplicateOf(earlier);
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

    /// <returns>Rows affected, per statement.</returns>
    private Task<int[]> InsertAsync(List<ChatMessage> messages)
    {
        var rows = messages.ConvertAll(m => new object?[]
        {
            m.MsgId, m.ChatId, m.Seq, m.FromUserId, m.ToUserId, m.ClientMsgId, m.MsgFormat, m.Content, m.Ext, m.SendTime, (int)m.Status,
        });
        return RowStatement.ExecuteAsync(connection, transaction, dialect.MaxRowsPerInsert, rows, StoreSql.MessageInsertColumnCount,
            count => dialect.InsertMessagesIgnoringConflicts(StoreSql.MessageInsertColumns, StoreSql.ValuesList(count, StoreSql.MessageInsertColumnCount)),
            cancellationToken);
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
        var rows = newest.OrderBy(kv => kv.Key.User, StringComparer.Ordinal).ThenBy(kv => kv.Key.Chat, StringComparer.Ordinal)
            .Select(kv => new object?[] { kv.Key.User, kv.Key.Chat, kv.Value.Peer, kv.Value.Message.MsgId, kv.Value.Message.Seq, 0L, kv.Value.Message.SendTime })
            .ToList();
        await RowStatement.ExecuteAsync(connection, transaction, dialect.MaxRowsPerInsert, rows, StoreSql.ConversationInsertColumnCount,
            count => dialect.UpsertConversations(StoreSql.ConversationInsertColumns, StoreSql.ValuesList(count, StoreSql.ConversationInsertColumnCount)),
            cancellationToken).ConfigureAwait(false);

        static void Raise(Dictionary<(string, string), (string, ChatMessage)> newest, string user, string peer, ChatMessage m)
        {
            var key = (user, m.ChatId);
            if (!newest.TryGetValue(key, out var current) || current.Item2.Seq < m.Seq)
            {
                newest[key] = (peer, m);
            }
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
