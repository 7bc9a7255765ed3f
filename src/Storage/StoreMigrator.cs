using Dapper;
using ImSignalR.Domain.Errors;
using ImSignalR.Storage.Internal;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Storage;

/// <summary>
/// Brings the schema to the newest embedded migration. Safe to run from several nodes at once: SQLite
/// runs it in one BEGIN IMMEDIATE transaction (the file's write lock serialises processes); MySQL
/// serialises with <c>GET_LOCK</c> and, as DDL commits implicitly there, relies on re-runnable scripts.
/// Each script and its <c>schema_migrations</c> row are written in one transaction where the engine
/// allows it.
/// </summary>
public sealed class StoreMigrator
{
    private readonly IDbConnectionFactory _connections;
    private readonly SqlDialect _dialect;
    private readonly ILogger<StoreMigrator> _logger;

    internal StoreMigrator(IDbConnectionFactory connections, SqlDialect dialect, ILogger<StoreMigrator> logger)
    {
        _connections = connections;
        _dialect = dialect;
        _logger = logger;
    }

    /// <summary>Applies the missing migrations in version order.</summary>
    /// <returns>The versions applied by this call (empty when the schema was current).</returns>
    /// <exception cref="ImException"><c>IM_STORE_UNAVAILABLE</c> when the database cannot be reached or a script fails.</exception>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken cancellationToken)
    {
        var scripts = MigrationScript.Load(_dialect.MigrationFolder);
        try
        {
            await using var connection = await _connections.OpenAsync(cancellationToken).ConfigureAwait(false);
            await _dialect.PrepareDatabaseAsync(connection, cancellationToken).ConfigureAwait(false);
            await _dialect.AcquireMigrationLockAsync(connection, cancellationToken).ConfigureAwait(false);
            try
            {
                return _dialect.TransactionalDdl
                    ? await MigrateInOneTransactionAsync(connection, scripts, cancellationToken).ConfigureAwait(false)
                    : await MigrateScriptByScriptAsync(connection, scripts, cancellationToken).ConfigureAwait(false);
            }
            finally
            {
                await _dialect.ReleaseMigrationLockAsync(connection, CancellationToken.None).ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (StoreFailures.IsDriverFailure(ex))
        {
            throw StoreFailures.Translate(ex, nameof(MigrateAsync), cancellationToken);
        }
    }

    private async Task<IReadOnlyList<int>> MigrateInOneTransactionAsync(
        System.Data.Common.DbConnection connection, IReadOnlyList<MigrationScript> scripts, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await EnsureMigrationsTableAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var applied = await AppliedVersionsAsync(connection, transaction, cancellationToken).ConfigureAwait(false);
        var done = new List<int>();
        foreach (var script in scripts.Where(s => !applied.Contains(s.Version)))
        {
            await ApplyScriptAsync(connection, transaction, script, cancellationToken).ConfigureAwait(false);
            done.Add(script.Version);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        Report(done);
        return done;
    }

    private async Task<IReadOnlyList<int>> MigrateScriptByScriptAsync(
        System.Data.Common.DbConnection connection, IReadOnlyList<MigrationScript> scripts, CancellationToken cancellationToken)
    {
        await EnsureMigrationsTableAsync(connection, null, cancellationToken).ConfigureAwait(false);
        var applied = await AppliedVersionsAsync(connection, null, cancellationToken).ConfigureAwait(false);
        var done = new List<int>();
        foreach (var script in scripts.Where(s => !applied.Contains(s.Version)))
        {
            // DML in a script stays atomic with its version row; DDL commits on its own (see the class summary).
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            await ApplyScriptAsync(connection, transaction, script, cancellationToken).ConfigureAwait(false);
            await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
            done.Add(script.Version);
        }
        Report(done);
        return done;
    }

    private async Task EnsureMigrationsTableAsync(
        System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction, CancellationToken cancellationToken)
    {
        await connection.ExecuteAsync(new CommandDefinition(_dialect.CreateMigrationsTable, transaction: transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private static async Task<HashSet<int>> AppliedVersionsAsync(
        System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction? transaction, CancellationToken cancellationToken)
    {
        var versions = await connection.QueryAsync<int>(new CommandDefinition("SELECT version FROM schema_migrations",
            transaction: transaction, cancellationToken: cancellationToken)).ConfigureAwait(false);
        return [.. versions];
    }

    private static async Task ApplyScriptAsync(System.Data.Common.DbConnection connection, System.Data.Common.DbTransaction transaction,
        MigrationScript script, CancellationToken cancellationToken)
    {
        foreach (var statement in script.Statements)
        {
            await connection.ExecuteAsync(new CommandDefinition(statement, transaction: transaction, cancellationToken: cancellationToken))
                .ConfigureAwait(false);
        }
        await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO schema_migrations (version, applied_at) VALUES (@Version, @AppliedAt)",
            new { script.Version, AppliedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() }, transaction,
            cancellationToken: cancellationToken)).ConfigureAwait(false);
    }

    private void Report(List<int> done)
    {
        if (done.Count > 0)
        {
            PersistenceLog.MigrationsApplied(_logger, _dialect.MigrationFolder, string.Join(",", done));
        }
        else
        {
            PersistenceLog.SchemaCurrent(_logger, _dialect.MigrationFolder);
        }
    }
}
