using System.Data.Common;

namespace ImSignalR.Infrastructure.Persistence;

/// <summary>
/// The one place that knows the ADO.NET driver. Everything else talks <see cref="DbConnection"/>, so
/// replacing MySql.Data by MySqlConnector (or another SQLite build) touches only the factory.
/// </summary>
public interface IDbConnectionFactory
{
    /// <summary>Opens a connection, configured for the store; the caller disposes it.</summary>
    Task<DbConnection> OpenAsync(CancellationToken cancellationToken);
}
