using System.Data.Common;

namespace ImSignalR.Storage.Internal;

/// <summary>
/// Runs one statement shape over many rows, up to <c>maxRowsPerStatement</c> rows per statement, with one
/// command and one set of parameter objects per statement size, reused for every chunk. The SQLite write
/// path uses it with one row per statement.
/// </summary>
/// <remarks>
/// Why not a Dapper call per row: Microsoft.Data.Sqlite binds every parameter by name and SQLite finds a
/// name by a linear scan of the statement's names, so a statement of N parameters costs N²/2 string
/// compares to bind: at 50 rows of 11 columns that scan was 17 % of the hub's CPU. SQLite runs in-process,
/// so one single-row statement, prepared once per batch and executed per row, costs no round trips.
/// MySQL, which pays a round trip per statement, sends multi-row statements in a <see cref="StatementRound"/> instead.
/// </remarks>
internal static class RowStatement
{
    /// <returns>Rows affected, per statement (per row when <paramref name="maxRowsPerStatement"/> is 1).</returns>
    public static async Task<int[]> ExecuteAsync(
        DbConnection connection,
        DbTransaction transaction,
        int maxRowsPerStatement,
        IReadOnlyList<object?[]> rows,
        int columns,
        Func<int, string> sqlForRows,
        CancellationToken cancellationToken)
    {
        var affected = new int[(rows.Count + maxRowsPerStatement - 1) / maxRowsPerStatement];
        DbCommand? command = null;
        var commandRows = 0;
        try
        {
            for (var start = 0; start < rows.Count; start += maxRowsPerStatement)
            {
                var count = Math.Min(maxRowsPerStatement, rows.Count - start);
                if (count != commandRows)
                {
                    if (command is not null)
                    {
                        await command.DisposeAsync().ConfigureAwait(false);
                    }
                    command = Create(connection, transaction, sqlForRows(count), count, columns);
                    commandRows = count;
                }
                var parameters = command!.Parameters;
                for (var r = 0; r < count; r++)
                {
                    var values = rows[start + r];
                    for (var c = 0; c < columns; c++)
                    {
                        parameters[(r * columns) + c].Value = values[c] ?? DBNull.Value;
                    }
                }
                affected[start / maxRowsPerStatement] = await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            return affected;
        }
        finally
        {
            if (command is not null)
            {
                await command.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    private static DbCommand Create(DbConnection connection, DbTransaction transaction, string sql, int rows, int columns)
    {
        var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var r = 0; r < rows; r++)
        {
            for (var c = 0; c < columns; c++)
            {
                var parameter = command.CreateParameter();
                // With the prefix: Microsoft.Data.Sqlite looks a bare name up once more with each prefix.
                parameter.ParameterName = "@" + StoreSql.ParameterName(r, c);
                command.Parameters.Add(parameter);
            }
        }
        return command;
    }
}
