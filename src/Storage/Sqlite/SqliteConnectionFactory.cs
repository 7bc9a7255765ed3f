using System.Data.Common;
using Microsoft.Data.Sqlite;

namespace ImSignalR.Storage.Sqlite;

/// <summary>
/// Opens pooled <see cref="SqliteConnection"/>s. <c>synchronous</c> and <c>busy_timeout</c> are
/// per-connection settings, so they are applied on every open; WAL is a property of the file and is set
/// once by the migrator.
/// </summary>
internal sealed class SqliteConnectionFactory : IDbConnectionFactory
{
    /// <summary>How long a statement waits for another connection's write lock before failing.</summary>
    public const int BusyTimeoutMilliseconds = 5_000;

    // FULL: a commit returns only after the WAL is fsynced, so "committed" means durable (G1).
    private const string ConnectionPragmas =
        "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000; PRAGMA foreign_keys = OFF;";

    private readonly string _connectionString;

    public SqliteConnectionFactory(string connectionString)
    {
        var builder = new SqliteConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.DataSource))
        {
            throw new ArgumentException("The SQLite connection string needs a 'Data Source'.", nameof(connectionString));
        }
        builder.Pooling = true;
        _connectionString = builder.ToString();
        DataSource = builder.DataSource;
    }

    /// <summary>The database file (or <c>:memory:</c>).</summary>
    public string DataSource { get; }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            await using var command = connection.CreateCommand();
            command.CommandText = ConnectionPragmas;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
