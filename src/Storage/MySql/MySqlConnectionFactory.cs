using System.Data.Common;
using Microsoft.Extensions.Logging;
using MySqlConnector;

namespace ImSignalR.Storage.MySql;

/// <summary>
/// Opens MySQL/MariaDB connections from one <see cref="MySqlDataSource"/> (MySqlConnector): one pool per
/// store, truly asynchronous I/O, disposed with the container.
/// </summary>
/// <remarks>
/// Settings forced on top of the operator's connection string:
/// <list type="bullet">
/// <item><c>UseAffectedRows=true</c>: rows changed, not rows matched, so an
/// <c>INSERT … ON DUPLICATE KEY UPDATE msg_id = msg_id</c> reports exactly the rows it inserted and a batch
/// whose rows were all written skips reading them back (<see cref="Internal.SendBatch"/>).</item>
/// <item><c>AllowUserVariables=false</c>: every <c>@name</c> in the store's SQL is a parameter; a typo then
/// fails instead of reading a NULL session variable.</item>
/// <item><c>IgnoreCommandTransaction=false</c>: a command that forgets its transaction fails loudly.</item>
/// </list>
/// Left at the driver's defaults on purpose: <c>ConnectionReset=true</c> (a pooled connection is reset on
/// open, one pipelined round trip, which also proves it still reaches the server after a restart) and
/// <c>Pipelining=true</c>. The character set is always utf8mb4 in MySqlConnector.
/// </remarks>
internal sealed class MySqlConnectionFactory : IDbConnectionFactory, IAsyncDisposable, IDisposable
{
    private readonly MySqlDataSource _dataSource;

    public MySqlConnectionFactory(string connectionString, ILoggerFactory? loggerFactory = null)
    {
        _dataSource = new MySqlDataSourceBuilder(StoreConnectionString(connectionString)).UseLoggerFactory(loggerFactory).Build();
    }

    /// <summary>The operator's connection string with the store's settings (see the remarks) applied.</summary>
    /// <exception cref="ArgumentException">It names no server or no database.</exception>
    public static string StoreConnectionString(string connectionString)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.Server) || string.IsNullOrWhiteSpace(builder.Database))
        {
            throw new ArgumentException("The MySQL connection string needs 'Server' and 'Database'.", nameof(connectionString));
        }
        builder.UseAffectedRows = true;
        builder.AllowUserVariables = false;
        builder.IgnoreCommandTransaction = false;
        return builder.ConnectionString;
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken) =>
        await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);

    public ValueTask DisposeAsync() => _dataSource.DisposeAsync();

    public void Dispose() => _dataSource.Dispose();
}
