using System.Data.Common;
// The driver seam: MySqlConnector exposes the same MySqlConnection/MySqlConnectionStringBuilder names,
// so swapping drivers is this using line plus the PackageReference.
using MySql.Data.MySqlClient;

namespace ImSignalR.Infrastructure.Persistence.MySql;

/// <summary>
/// Opens pooled MySQL/MariaDB connections. Note: MySql.Data 8.0.16 implements the async ADO.NET methods
/// synchronously; MySqlConnector (when the registry serves it) makes them truly asynchronous.
/// </summary>
internal sealed class MySqlConnectionFactory : IDbConnectionFactory
{
    private readonly string _connectionString;

    public MySqlConnectionFactory(string connectionString)
    {
        var builder = new MySqlConnectionStringBuilder(connectionString);
        if (string.IsNullOrWhiteSpace(builder.Server) || string.IsNullOrWhiteSpace(builder.Database))
        {
            throw new ArgumentException("The MySQL connection string needs 'Server' and 'Database'.", nameof(connectionString));
        }
        // Content is UTF-8 up to 4 bytes per char (emoji); the schema is utf8mb4 and so is the session.
        builder.CharacterSet = "utf8mb4";
        _connectionString = builder.ConnectionString;
    }

    public async Task<DbConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new MySqlConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }
}
