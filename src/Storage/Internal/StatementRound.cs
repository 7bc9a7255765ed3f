using System.Data.Common;

namespace ImSignalR.Storage.Internal;

/// <summary>
/// Statements sent together as one ADO.NET <see cref="DbBatch"/>: MySqlConnector writes an unprepared
/// <c>MySqlBatch</c> as one multi-statement packet, so the whole round costs one round trip. Statements run
/// in order and the first error stops the rest (and fails the call).
/// </summary>
/// <remarks>
/// The driver only reports the summed affected-row count of a batch, so a statement whose own count
/// matters is followed by <c>SELECT ROW_COUNT()</c> in the same batch (<see cref="AddCounted"/>). A round whose text
/// grows past <see cref="MaxRoundBytes"/> is cut into several batches so that no packet nears the server's
/// <c>max_allowed_packet</c> (16 MiB by default on MariaDB).
/// </remarks>
internal sealed class StatementRound
{
    /// <summary>Upper bound of one batch's text (a single larger statement still goes alone).</summary>
    internal const int MaxRoundBytes = 4 * 1024 * 1024;

    private readonly List<Statement> _statements = [];

    public bool IsEmpty => _statements.Count == 0;

    /// <summary>Adds a statement whose result is not read (its errors still fail the round).</summary>
    public void Add(string sql, IReadOnlyList<KeyValuePair<string, object?>> parameters) =>
        _statements.Add(new Statement(sql, parameters, null, null));

    /// <summary>
    /// <see cref="Add"/>, never cut from the statement before it into another batch: for a statement that reads the
    /// previous one's <c>ROW_COUNT()</c> (the daily statistics), which nothing may run between.
    /// </summary>
    public void AddFollowing(string sql, IReadOnlyList<KeyValuePair<string, object?>> parameters) =>
        _statements.Add(new Statement(sql, parameters, null, null, StaysWithPrevious: true));

    /// <summary>Adds a SELECT; <paramref name="onRow"/> is called for each of its rows, in order.</summary>
    public void AddQuery(string sql, IReadOnlyList<KeyValuePair<string, object?>> parameters, Action<DbDataReader> onRow) =>
        _statements.Add(new Statement(sql, parameters, onRow, null));

    /// <summary>Adds a statement and reports the rows it changed (<c>SELECT ROW_COUNT()</c> right after it, same batch).</summary>
    public void AddCounted(string sql, IReadOnlyList<KeyValuePair<string, object?>> parameters, Action<long> onCount) =>
        _statements.Add(new Statement(sql, parameters, null, onCount));

    public async Task ExecuteAsync(DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        var start = 0;
        while (start < _statements.Count)
        {
            var end = start;
            long bytes = 0;
            do
            {
                bytes += _statements[end].EstimatedBytes;
                end++;
            }
            while (end < _statements.Count && (_statements[end].StaysWithPrevious || bytes + _statements[end].EstimatedBytes <= MaxRoundBytes));
            await ExecuteBatchAsync(connection, transaction, start, end, cancellationToken).ConfigureAwait(false);
            start = end;
        }
        _statements.Clear();
    }

    private async Task ExecuteBatchAsync(DbConnection connection, DbTransaction transaction, int start, int end, CancellationToken cancellationToken)
    {
        await using var batch = connection.CreateBatch();
        batch.Transaction = transaction;
        var queries = new Queue<Action<DbDataReader>>();
        for (var i = start; i < end; i++)
        {
            var statement = _statements[i];
            var command = batch.CreateBatchCommand();
            command.CommandText = statement.Sql;
            foreach (var (name, value) in statement.Parameters)
            {
                var parameter = command.CreateParameter();
                parameter.ParameterName = name;
                parameter.Value = value ?? DBNull.Value;
                command.Parameters.Add(parameter);
            }
            batch.BatchCommands.Add(command);
            if (statement.OnRow is not null)
            {
                queries.Enqueue(statement.OnRow);
            }
            if (statement.OnCount is { } onCount)
            {
                var count = batch.CreateBatchCommand();
                count.CommandText = "SELECT ROW_COUNT()";
                batch.BatchCommands.Add(count);
                queries.Enqueue(reader => onCount(reader.GetInt64(0)));
            }
        }
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        // The reader stops only at results with columns (the SELECTs), in statement order; reading to
        // the end is what makes every later statement's error surface here.
        do
        {
            if (reader.FieldCount == 0)
            {
                continue;
            }
            var onRow = queries.Count > 0 ? queries.Dequeue()
                : throw new InvalidOperationException("The round returned more result sets than it has queries.");
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                onRow(reader);
            }
        }
        while (await reader.NextResultAsync(cancellationToken).ConfigureAwait(false));
        if (queries.Count > 0)
        {
            throw new InvalidOperationException($"The round returned {queries.Count} result sets fewer than it has queries.");
        }
    }

    private sealed record Statement(
        string Sql, IReadOnlyList<KeyValuePair<string, object?>> Parameters, Action<DbDataReader>? OnRow, Action<long>? OnCount,
        bool StaysWithPrevious = false)
    {
        // 3 bytes per UTF-16 char bounds UTF-8 and escaping (an escaped quote is 2 one-byte chars).
        public long EstimatedBytes { get; } = (Sql.Length * 3L) + Parameters.Sum(p => p.Value is string s ? (s.Length * 3L) + 2 : 24);
    }
}
