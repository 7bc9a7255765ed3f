using System.Data.Common;
using Dapper;
using ImSignalR.Storage.Internal;

namespace ImSignalR.Storage.Sqlite.Internal;

internal sealed class SqliteDialect : SqlDialect
{
    public static SqliteDialect Instance { get; } = new();

    public override string MigrationFolder => "Sqlite";

    // One row per statement, prepared once per batch and re-executed: there is no round trip to save,
    // and binding a wide statement costs N² name compares (see RowStatement).
    public override int MaxRowsPerInsert => 1;

    public override bool TransactionalDdl => true;

    public override string CreateMigrationsTable =>
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER NOT NULL PRIMARY KEY, applied_at INTEGER NOT NULL)";

    public override string Greatest(string a, string b) => $"MAX({a}, {b})";

    // DO NOTHING without a target covers every uniqueness constraint (PK and both unique indexes), and,
    // unlike INSERT OR IGNORE, still fails on NOT NULL or CHECK violations.
    public override string InsertMessagesIgnoringConflicts(string columns, string valuesList) =>
        $"INSERT INTO messages ({columns}) VALUES {valuesList} ON CONFLICT DO NOTHING";

    public override string InsertIgnoringDuplicate(string table, string columns, string values, string anyKeyColumn) =>
        $"INSERT INTO {table} ({columns}) VALUES {values} ON CONFLICT DO NOTHING";

    public override string UpsertConversations(string columns, string valuesList) =>
        $"INSERT INTO conversations ({columns}) VALUES {valuesList} ON CONFLICT (user_id, chat_id) DO UPDATE SET " +
        "last_msg_id = CASE WHEN excluded.last_seq > conversations.last_seq THEN excluded.last_msg_id ELSE conversations.last_msg_id END, " +
        "last_seq = MAX(conversations.last_seq, excluded.last_seq), " +
        "updated_at = MAX(conversations.updated_at, excluded.updated_at)";

    public override string UpsertAddingStats(string valuesList) =>
        $"INSERT INTO stats_daily ({StatsSql.DailyColumns}) VALUES {valuesList} ON CONFLICT (day, shard) DO UPDATE SET " +
        string.Join(", ", StatsSql.Counters.Select(c => $"{c} = stats_daily.{c} + excluded.{c}"));

    // DELETE … LIMIT needs a compile-time option SQLite builds rarely have; the key's row value does the same.
    public override string DeleteActiveSendersBefore =>
        "DELETE FROM stats_active_senders WHERE (day, user_id) IN " +
        "(SELECT day, user_id FROM stats_active_senders WHERE day < @Before ORDER BY day, user_id LIMIT @Limit)";

    // WAL lets readers run beside the single writer; it is stored in the file, so once is enough. It cannot
    // be switched inside a transaction, hence before the migrator's BEGIN IMMEDIATE.
    public override async Task PrepareDatabaseAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var mode = await connection.ExecuteScalarAsync<string>(new CommandDefinition("PRAGMA journal_mode = WAL",
            cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase) && !string.Equals(mode, "memory", StringComparison.OrdinalIgnoreCase))
        {
            throw new InvalidOperationException($"SQLite refused WAL mode (journal_mode is '{mode}').");
        }
    }

    // The migrator runs in a BEGIN IMMEDIATE transaction: SQLite's file lock is the cross-process lock.
    public override Task AcquireMigrationLockAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    public override Task ReleaseMigrationLockAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;
}
