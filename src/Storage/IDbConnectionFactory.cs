using System.Data.Common;

namespace ImSignalR.Storage;

/// <summary>
/// The one place that opens connections: Microsoft.Data.Sqlite or MySqlConnector (a <c>MySqlDataSource</c>).
/// The store talks <see cref="DbConnection"/> and <see cref="DbBatch"/>; driver types appear only where
/// errors are classified (<c>StoreFailures</c>, the MySQL dialect's deadlock code).
/// </summary>
public interface IDbConnectionFactory
{
    /// <summary>Opens a connection, configured for the store; the caller disposes it.</summary>
    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);
}
