using System.Data.Common;

namespace ImSignalR.Storage.Internal;

/// <summary>
/// The few places where SQLite and MySQL differ. Everything else (statement shapes, batching, outcome
/// decisions, row mapping) lives once in <see cref="SqlMessageStore"/> and <see cref="StoreSql"/>.
/// </summary>
internal abstract class SqlDialect
{
    /// <summary>Folder under <c>Persistence/Migrations</c> holding this dialect's scripts.</summary>
    public abstract string MigrationFolder { get; }

    /// <summary>Two-argument maximum: <c>MAX(a, b)</c> in SQLite, <c>GREATEST(a, b)</c> in MySQL.</summary>
    public abstract string Greatest(string a, string b);

    /// <summary>Rows per INSERT statement: many where a statement costs a round trip, one where it does not.</summary>
    public abstract int MaxRowsPerInsert { get; }

    /// <summary>One row per statement, re-executed: the engine is in-process (see <see cref="RowStatement"/>).</summary>
    public bool PrefersSingleRowStatements => MaxRowsPerInsert == 1;

    /// <summary>
    /// Wraps a multi-row <c>INSERT INTO messages … VALUES …</c> so that rows colliding with any unique key
    /// are skipped while every other error (truncation, NOT NULL) still fails the statement.
    /// </summary>
    public abstract string InsertMessagesIgnoringConflicts(string columns, string valuesList);

    /// <summary>An INSERT that does nothing (0 rows affected) when the row's key exists; <paramref name="anyKeyColumn"/> is set to itself.</summary>
    public abstract string InsertIgnoringDuplicate(string table, string columns, string values, string anyKeyColumn);

    /// <summary>
    /// A multi-row upsert of conversation rows that only raises <c>last_seq</c> (moving <c>last_msg_id</c>
    /// with it) and <c>updated_at</c>.
    /// </summary>
    public abstract string UpsertConversations(string columns, string valuesList);

    /// <summary>
    /// A multi-row upsert of <c>stats_daily</c> rows (<see cref="StatsSql.DailyColumns"/>) that adds each counter
    /// to the stored one.
    /// </summary>
    public abstract string UpsertAddingStats(string valuesList);

    /// <summary>
    /// Rows per day in <c>stats_daily</c> that concurrent writers spread over (see migration 004). One where the
    /// engine has a single writer anyway.
    /// </summary>
    public virtual int StatsShards => 1;

    /// <summary>The undelivered messages of a user (sync without a chat), by (to_user_id, status).</summary>
    public virtual string SelectUndelivered => StoreSql.SelectUndelivered;

    /// <summary>A user's groups, present and past, newest first (<see cref="GroupSql.SelectUserGroupsNewest"/>).</summary>
    public virtual string SelectUserGroupsNewest => GroupSql.SelectUserGroupsNewest;

    /// <summary>Deletes at most <c>@Limit</c> <c>stats_active_senders</c> rows with <c>day &lt; @Before</c>, oldest first.</summary>
    public abstract string DeleteActiveSendersBefore { get; }

    /// <summary>Creates <c>schema_migrations</c> unless it exists (re-runnable).</summary>
    public abstract string CreateMigrationsTable { get; }

    /// <summary>File- or server-level settings the migrator applies before taking its lock (SQLite: WAL).</summary>
    public virtual Task PrepareDatabaseAsync(DbConnection connection, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Serialises migrators across processes, on <paramref name="connection"/>'s session.</summary>
    public abstract Task AcquireMigrationLockAsync(DbConnection connection, CancellationToken cancellationToken);

    public abstract Task ReleaseMigrationLockAsync(DbConnection connection, CancellationToken cancellationToken);

    /// <summary>
    /// False for MySQL: DDL commits implicitly, so a script cannot be rolled back as a whole and must be
    /// written to be re-runnable (IF NOT EXISTS) — the migrator lock keeps two nodes from interleaving.
    /// </summary>
    public abstract bool TransactionalDdl { get; }

    /// <summary>
    /// True when the engine chose this transaction as a deadlock victim and rolled all of it back: nothing
    /// was written, so the batch may simply run again.
    /// </summary>
    public virtual bool IsDeadlockVictim(Exception exception) => false;
}
