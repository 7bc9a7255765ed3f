using System.Data;
using System.Data.Common;
using Dapper;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Storage.Internal;

/// <summary>
/// The dialect-independent <see cref="IMessageStore"/>: reads here, the batch write path in
/// <c>SqlMessageStore.Apply.cs</c>. Subclasses choose the dialect and how a write connection is obtained.
/// </summary>
internal abstract partial class SqlMessageStore : IMessageStore
{
    /// <summary>Ids per <c>IN</c> list, below SQLite's 32,766 and MySQL's 65,535 bound-parameter limits.</summary>
    internal const int MaxIdsPerQuery = 500;

    private readonly IDbConnectionFactory _connections;

    protected SqlMessageStore(IDbConnectionFactory connections, SqlDialect dialect)
    {
        _connections = connections;
        Dialect = dialect;
    }

    protected SqlDialect Dialect { get; }

    public async Task<ChatMessage?> FindByClientMsgIdAsync(string fromUserId, string clientMsgId, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync<MessageRow>(StoreSql.SelectByClientMsgId, new { FromUserId = fromUserId, ClientMsgId = clientMsgId },
            nameof(FindByClientMsgIdAsync), cancellationToken).ConfigureAwait(false);
        return rows.Count == 0 ? null : rows[0].ToMessage();
    }

    public async Task<IReadOnlyList<ChatMessage>> GetByIdsAsync(IReadOnlyCollection<long> msgIds, CancellationToken cancellationToken)
    {
        if (msgIds.Count == 0)
        {
            return [];
        }
        var result = new List<ChatMessage>(msgIds.Count);
        foreach (var chunk in msgIds.Distinct().Chunk(MaxIdsPerQuery))
        {
            var rows = await QueryAsync<MessageRow>(StoreSql.SelectByIds, new { Ids = chunk }, nameof(GetByIdsAsync), cancellationToken)
                .ConfigureAwait(false);
            result.AddRange(rows.Select(r => r.ToMessage()));
        }
        return result;
    }

    public async Task<IReadOnlyList<ChatMessage>> GetAfterSeqAsync(string chatId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        if (limit <= 0)
        {
            return [];
        }
        var rows = await QueryAsync<MessageRow>(StoreSql.SelectAfterSeq, new { ChatId = chatId, Seq = afterSeq, Limit = limit },
            nameof(GetAfterSeqAsync), cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(r => r.ToMessage());
    }

    public async Task<IReadOnlyList<ChatMessage>> GetBeforeSeqAsync(string chatId, long beforeSeq, int limit, CancellationToken cancellationToken)
    {
        if (limit <= 0)
        {
            return [];
        }
        var rows = await QueryAsync<MessageRow>(StoreSql.SelectBeforeSeqDescending, new { ChatId = chatId, Seq = beforeSeq, Limit = limit },
            nameof(GetBeforeSeqAsync), cancellationToken).ConfigureAwait(false);
        var result = rows.ConvertAll(r => r.ToMessage());
        result.Reverse();
        return result;
    }

    public async Task<IReadOnlyList<ChatMessage>> GetUndeliveredAsync(string toUserId, int limit, CancellationToken cancellationToken)
    {
        if (limit <= 0)
        {
            return [];
        }
        var rows = await QueryAsync<MessageRow>(Dialect.SelectUndelivered,
            new { UserId = toUserId, Delivered = (int)MessageStatus.Delivered, Limit = limit },
            nameof(GetUndeliveredAsync), cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(r => r.ToMessage());
    }

    public async Task<IReadOnlyList<ConversationView>> GetConversationsAsync(string userId, int limit, CancellationToken cancellationToken)
    {
        if (limit <= 0)
        {
            return [];
        }
        var rows = await QueryAsync<ConversationRow>(StoreSql.SelectConversations, new { UserId = userId, Limit = limit },
            nameof(GetConversationsAsync), cancellationToken).ConfigureAwait(false);
        return rows.ConvertAll(r => r.ToView());
    }

    public async Task<IReadOnlyDictionary<string, long>> GetLastSeqByChatAsync(string userId, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync<LastSeqRow>(StoreSql.SelectLastSeqByChat, new { UserId = userId },
            nameof(GetLastSeqByChatAsync), cancellationToken).ConfigureAwait(false);
        return rows.ToDictionary(r => r.ChatId, r => r.LastSeq, StringComparer.Ordinal);
    }

    public async Task<long> GetMaxSeqAsync(string chatId, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _connections.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await connection.ExecuteScalarAsync<long>(
                new CommandDefinition(StoreSql.SelectMaxSeq, new { ChatId = chatId }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        catch (Exception ex) when (StoreFailures.IsDriverFailure(ex))
        {
            throw StoreFailures.Translate(ex, nameof(GetMaxSeqAsync), cancellationToken);
        }
    }

    public async Task<bool> HasAnyMessageAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _connections.OpenAsync(cancellationToken).ConfigureAwait(false);
            var any = await connection.ExecuteScalarAsync<long?>(
                new CommandDefinition(StoreSql.SelectAnyMsgId, cancellationToken: cancellationToken)).ConfigureAwait(false);
            return any is not null;
        }
        catch (Exception ex) when (StoreFailures.IsDriverFailure(ex))
        {
            throw StoreFailures.Translate(ex, nameof(HasAnyMessageAsync), cancellationToken);
        }
    }

    public async Task PingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _connections.OpenAsync(cancellationToken).ConfigureAwait(false);
            await connection.ExecuteScalarAsync<long>(new CommandDefinition(StoreSql.Ping, cancellationToken: cancellationToken)).ConfigureAwait(false);
        }
        catch (Exception ex) when (StoreFailures.IsDriverFailure(ex))
        {
            throw StoreFailures.Translate(ex, nameof(PingAsync), cancellationToken);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> in one write transaction and commits it. The default opens a pooled
    /// connection at READ COMMITTED (see <see cref="SendBatch"/> for why); SQLite overrides it to funnel
    /// every write through its single writer, MySQL to keep a connection for the group-commit writer.
    /// </summary>
    protected virtual async Task<T> RunInWriteTransactionAsync<T>(
        Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await _connections.OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = await connection.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
        var result = await work(connection, transaction, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return result;
    }

    private async Task<List<TRow>> QueryAsync<TRow>(string sql, object parameters, string operation, CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = await _connections.OpenAsync(cancellationToken).ConfigureAwait(false);
            var rows = await connection.QueryAsync<TRow>(new CommandDefinition(sql, parameters, cancellationToken: cancellationToken))
                .ConfigureAwait(false);
            return rows.AsList();
        }
        catch (Exception ex) when (StoreFailures.IsDriverFailure(ex))
        {
            throw StoreFailures.Translate(ex, operation, cancellationToken);
        }
    }
}
