using System.Data.Common;
using Dapper;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Storage.Internal;
using MySqlConnector;

namespace ImSignalR.Storage.MySql.Internal;

internal sealed class MySqlDialect : SqlDialect
{
    /// <summary>Server-wide advisory lock name; one per database so two schemas on one server do not wait on each other.</summary>
    private const string MigrationLockPrefix = "imsignalr.migrations.";

    private const int MigrationLockTimeoutSeconds = 60;

    public static MySqlDialect Instance { get; } = new();

    // With LIMIT, MySQL may walk ux_messages_chat_seq in ORDER BY order over the whole table instead of reading
    // the user's undelivered rows by ix_messages_to_status and sorting them; which one it picks depends on the
    // table's statistics (seen flipping in CI). The user's undelivered rows are few: read those.
    public override string SelectUndelivered { get; } = StoreSql.SelectUndeliveredFrom("messages USE INDEX (ix_messages_to_status)");

    public override string SelectUserGroupsNewest => GroupSql.SelectUserGroupsNewestStraight;

    public override string MigrationFolder => "MySql";

    // 200 rows of up to 8 KB content (32 KB in utf8mb4) stay well inside the default max_allowed_packet (16 MB+).
    public override int MaxRowsPerInsert => 200;

    public override bool TransactionalDdl => false;

    public override string CreateMigrationsTable =>
        "CREATE TABLE IF NOT EXISTS schema_migrations (version INT NOT NULL PRIMARY KEY, applied_at BIGINT NOT NULL) " +
        "ENGINE = InnoDB DEFAULT CHARSET = utf8mb4";

    public override string Greatest(string a, string b) => $"GREATEST({a}, {b})";

    // Not INSERT IGNORE: IGNORE also turns truncation and NOT NULL errors into warnings. A no-op
    // ON DUPLICATE KEY UPDATE skips exactly the unique-key collisions (any of the three keys).
    public override string InsertMessagesIgnoringConflicts(string columns, string valuesList) =>
        $"INSERT INTO messages ({columns}) VALUES {valuesList} ON DUPLICATE KEY UPDATE msg_id = msg_id";

    // With UseAffectedRows, a duplicate whose "update" changes nothing reports 0 rows.
    public override string InsertIgnoringDuplicate(string table, string columns, string values, string anyKeyColumn) =>
        $"INSERT INTO {table} ({columns}) VALUES {values} ON DUPLICATE KEY UPDATE {anyKeyColumn} = {anyKeyColumn}";

    // Assignments run left to right and see earlier ones, so last_msg_id is compared before last_seq moves.
    // VALUES(col) rather than the 8.0.19 row alias: MariaDB has no row alias.
    public override string UpsertConversations(string columns, string valuesList) =>
        $"INSERT INTO conversations ({columns}) VALUES {valuesList} ON DUPLICATE KEY UPDATE " +
        "last_msg_id = IF(VALUES(last_seq) > last_seq, VALUES(last_msg_id), last_msg_id), " +
        "last_seq = GREATEST(last_seq, VALUES(last_seq)), " +
        "updated_at = GREATEST(updated_at, VALUES(updated_at))";

    // Eight rows per day: writers (nodes, RocketMQ queues) hold a day's row lock from their upsert to their
    // commit, so one row would serialise every commit of the cluster on it.
    public override int StatsShards => 8;

    public override string UpsertAddingStats(string valuesList) =>
        $"INSERT INTO stats_daily ({StatsSql.DailyColumns}) VALUES {valuesList} ON DUPLICATE KEY UPDATE " +
        string.Join(", ", StatsSql.Counters.Select(c => $"{c} = {c} + VALUES({c})"));

    public override string DeleteActiveSendersBefore =>
        "DELETE FROM stats_active_senders WHERE day < @Before ORDER BY day, user_id LIMIT @Limit";

    // ER_LOCK_DEADLOCK: InnoDB rolled the victim's whole transaction back.
    public override bool IsDeadlockVictim(Exception exception) => exception is MySqlException { ErrorCode: MySqlErrorCode.LockDeadlock };

    public override async Task AcquireMigrationLockAsync(DbConnection connection, CancellationToken cancellationToken)
    {
        var got = await connection.ExecuteScalarAsync<long?>(new CommandDefinition(
            "SELECT GET_LOCK(CONCAT(@Prefix, DATABASE()), @Timeout)",
            new { Prefix = MigrationLockPrefix, Timeout = MigrationLockTimeoutSeconds }, cancellationToken: cancellationToken)).ConfigureAwait(false);
        if (got != 1)
        {
            throw new ImException(ImErrorCode.StoreUnavailable,
                $"Another node held the schema migration lock for more than {MigrationLockTimeoutSeconds} s.");
        }
    }

    public override Task ReleaseMigrationLockAsync(DbConnection connection, CancellationToken cancellationToken) =>
        connection.ExecuteAsync(new CommandDefinition("SELECT RELEASE_LOCK(CONCAT(@Prefix, DATABASE()))",
            new { Prefix = MigrationLockPrefix }, cancellationToken: cancellationToken));
}
