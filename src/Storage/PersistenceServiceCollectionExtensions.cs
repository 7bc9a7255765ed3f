using ImSignalR.Domain.Ports;
using ImSignalR.Storage.Internal;
using ImSignalR.Storage.MySql.Internal;
using ImSignalR.Storage.MySql;
using ImSignalR.Storage.Sqlite.Internal;
using ImSignalR.Storage.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Storage;

/// <summary>Registers the system of record (SPEC §7). Call one of them; the hub runs <see cref="StoreMigrator.MigrateAsync"/> at start.</summary>
public static class PersistenceServiceCollectionExtensions
{
    /// <summary>
    /// The embedded SQLite store (<c>Data Source=./data/im.db</c>). Creates the folder of the file when missing.
    /// Registers <see cref="IDbConnectionFactory"/>, <see cref="IMessageStore"/>, <see cref="IBlockStore"/>, <see cref="IStatsStore"/>
    /// and <see cref="StoreMigrator"/>.
    /// </summary>
    public static IServiceCollection AddImSqliteStore(this IServiceCollection services, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        var factory = new SqliteConnectionFactory(connectionString);
        EnsureDirectory(factory.DataSource);
        return services.AddStore(_ => factory, SqliteDialect.Instance, f => new SqliteMessageStore(f));
    }

    /// <summary>
    /// The MySQL/MariaDB store (MySqlConnector, e.g. <c>Server=…;Port=3306;Database=im;Uid=…;Pwd=…</c>).
    /// Registers <see cref="IDbConnectionFactory"/> (one <c>MySqlDataSource</c>, disposed with the container),
    /// <see cref="IMessageStore"/>, <see cref="IBlockStore"/>, <see cref="IStatsStore"/> and <see cref="StoreMigrator"/>.
    /// </summary>
    public static IServiceCollection AddImMySqlStore(this IServiceCollection services, string connectionString)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionString);
        // Checked here so that a bad connection string fails at registration, not at the first send.
        var settings = MySqlConnectionFactory.StoreConnectionString(connectionString);
        return services.AddStore(sp => new MySqlConnectionFactory(settings, sp.GetService<ILoggerFactory>()),
            MySqlDialect.Instance, f => new MySqlMessageStore(f));
    }

    private static IServiceCollection AddStore(this IServiceCollection services, Func<IServiceProvider, IDbConnectionFactory> createFactory,
        SqlDialect dialect, Func<IDbConnectionFactory, IMessageStore> createStore)
    {
        // A factory delegate, not an instance: the container then disposes what the factory holds (the MySQL pool).
        services.TryAddSingleton(createFactory);
        services.TryAddSingleton(sp => createStore(sp.GetRequiredService<IDbConnectionFactory>()));
        // The store's three roles, so a consumer asks only for the one it uses. They forward to IMessageStore when
        // resolved, so a decorator that replaces it (RocketMQ's read-your-writes store) serves them too.
        services.TryAddSingleton<IMessageEventStore>(sp => sp.GetRequiredService<IMessageStore>());
        services.TryAddSingleton<IMessageQueries>(sp => sp.GetRequiredService<IMessageStore>());
        services.TryAddSingleton<ISequenceReads>(sp => sp.GetRequiredService<IMessageStore>());
        services.TryAddSingleton<IBlockStore>(sp => new SqlBlockStore(sp.GetRequiredService<IDbConnectionFactory>(), dialect));
        services.TryAddSingleton<IGroupStore>(sp => new SqlGroupStore(sp.GetRequiredService<IDbConnectionFactory>(), dialect));
        services.TryAddSingleton<IStatsStore>(sp => new SqlStatsStore(sp.GetRequiredService<IDbConnectionFactory>(), dialect));
        services.TryAddSingleton(sp => new StoreMigrator(sp.GetRequiredService<IDbConnectionFactory>(), dialect,
            sp.GetService<ILogger<StoreMigrator>>() ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<StoreMigrator>.Instance));
        return services;
    }

    private static void EnsureDirectory(string dataSource)
    {
        if (dataSource.Length == 0 || string.Equals(dataSource, ":memory:", StringComparison.Ordinal)
            || dataSource.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
        {
            return;
        }
        var directory = Path.GetDirectoryName(Path.GetFullPath(dataSource));
        if (!string.IsNullOrEmpty(directory))
        {
            Directory.CreateDirectory(directory);
        }
    }
}
