using System.Data.Common;
// The driver seam: MySqlConnector exposes the same MySqlConnection/MySqlConnectionStringBuilder names,
// so swapping drivers is this using line plus the PackageReference.
using MySql.Data.MySqlClient;

namespace ImSignalR.Infrastructure.Persistence.MySql;

/// <summary>
/// Opens pooled MySQL/MariaDB connections. Note: MySql.Data 8.0.16 implements the async ADO.NET methods
/// synchronously; MySqlConnector (when the registry serves it) makes them truly asynchronous.
/// </summary>
/// <remarks>
/// Because every "async" call blocks a thread, at most <see cref="MaxOpenConnections"/> connections are open
/// at once; the others wait here, asynchronously. Without the gate, 100 senders starting together (each
/// conversation's first seq reads the store) blocked 100 thread-pool threads on a 2-core machine, and the
/// pool's own wait (Connection Timeout) failed the group-commit writer's next batch.
/// </remarks>
internal sealed class MySqlConnectionFactory : IDbConnectionFactory
{
    private readonly string _connectionString;
    private readonly SemaphoreSlim _gate;

    public MySqlConnectionFactory(string connectionString, int? maxOpenConnections = null)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.Server) || string.IsNullOrWhiteSpace(builder.Database))
        {
            throw new ArgumentException("The MySQL connection string needs 'Server' and 'Database'.", nameof(connectionString));
        }
        // Content is UTF-8 up to 4 bytes per char (emoji); the schema is utf8mb4 and so is the session.
        builder.CharacterSet = "utf8mb4";
        // Rows changed, not rows matched: an INSERT … ON DUPLICATE KEY UPDATE then reports exactly the rows
        // it inserted, which lets a batch skip its read-back when all of them were (SendBatch).
        builder.UseAffectedRows = true;
        _connectionString = builder.ConnectionString;
        MaxOpenConnections = maxOpenConnections ?? (int)Math.Min(builder.MaximumPoolSize, (uint)(4 * Environment.ProcessorCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxOpenConnections, 1, nameof(maxOpenConnections));
        _gate = new SemaphoreSlim(MaxOpenConnections, MaxOpenConnections);
    }

    /// <summary>At most this many connections are open at once (4 per core, within the driver's pool size).</summary>
    public int MaxOpenConnections { get; }

    /// <summary>Connections open now (for tests and diagnostics).</summary>
    public int OpenConnections => MaxOpenConnections - _gate.CurrentCount;

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        var connection = new MySqlConnection(_connectionString);
        var released = 0;
        void Release()
        {
            if (Interlocked.Exchange(ref released, 1) == 0)
            {
                _gate.Release();
            }
        }
        // Close and Dispose both end in a StateChange to Closed; that frees the slot exactly once.
        connection.StateChange += (_, e) =>
        {
            if (e.CurrentState == System.Data.ConnectionState.Closed && e.OriginalState != System.Data.ConnectionState.Closed)
            {
                Release();
            }
        };
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            Release();
            throw;
        }
    }
}
