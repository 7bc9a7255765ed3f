using ImSignalR.Client.Reliability;
using ImSignalR.Contracts;
using Microsoft.Data.Sqlite;

namespace ImSignalR.Client.State;

/// <summary>
/// <see cref="IClientStateStore"/> in one SQLite file (Microsoft.Data.Sqlite), for desktop and mobile
/// .NET apps: a send is in the file before its first attempt, so killing the process loses nothing and
/// the next start sends it (once: the server's idempotency answers a resend of an accepted one as a
/// duplicate). WAL journal with <c>synchronous=FULL</c>: a committed send survives a power cut too.
/// Thread-safe; each call opens a pooled connection.
/// </summary>
/// <remarks>
/// Tables: <c>outbox(seq INTEGER PRIMARY KEY AUTOINCREMENT, user_id, client_msg_id, to_user_id, content,
/// msg_format, ext)</c> unique on (user_id, client_msg_id); <c>group_outbox</c> alike with <c>group_id</c> and
/// <c>mentions</c> (comma-separated: user ids have no comma) for group sends; <c>cursors(user_id, chat_id, seq)</c>;
/// <c>seen(id INTEGER PRIMARY KEY AUTOINCREMENT, user_id, msg_id)</c> unique on (user_id, msg_id).
/// </remarks>
public sealed class SqliteClientStateStore : IClientStateStore
{
    private const string Schema = """
        PRAGMA journal_mode = WAL;
        CREATE TABLE IF NOT EXISTS outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id TEXT NOT NULL,
            client_msg_id TEXT NOT NULL,
            to_user_id TEXT NOT NULL,
            content TEXT NOT NULL,
            msg_format INTEGER NOT NULL,
            ext TEXT NULL,
            UNIQUE (user_id, client_msg_id));
        CREATE TABLE IF NOT EXISTS group_outbox (
            seq INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id TEXT NOT NULL,
            client_msg_id TEXT NOT NULL,
            group_id TEXT NOT NULL,
            content TEXT NOT NULL,
            msg_format INTEGER NOT NULL,
            ext TEXT NULL,
            mentions TEXT NULL,
            UNIQUE (user_id, client_msg_id));
        CREATE TABLE IF NOT EXISTS cursors (
            user_id TEXT NOT NULL,
            chat_id TEXT NOT NULL,
            seq INTEGER NOT NULL,
            PRIMARY KEY (user_id, chat_id));
        CREATE TABLE IF NOT EXISTS seen (
            id INTEGER PRIMARY KEY AUTOINCREMENT,
            user_id TEXT NOT NULL,
            msg_id TEXT NOT NULL,
            UNIQUE (user_id, msg_id));
        """;

    private readonly string _connectionString;
    private readonly SemaphoreSlim _schemaGate = new(1, 1);
    private volatile bool _schemaReady;

    /// <summary>Uses (and creates) the SQLite file at <paramref name="path"/>.</summary>
    public SqliteClientStateStore(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        _connectionString = new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadWriteCreate, Pooling = true }.ToString();
    }

    /// <inheritdoc />
    public async Task<ClientState> LoadAsync(string userId, int seenCapacity, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        var outbox = new List<SendRequest>();
        await using (var command = Command(connection, "SELECT client_msg_id, to_user_id, content, msg_format, ext FROM outbox WHERE user_id = $u ORDER BY seq", ("$u", userId)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                outbox.Add(new SendRequest
                {
                    ClientMsgId = reader.GetString(0),
                    ToUserId = reader.GetString(1),
                    Content = reader.GetString(2),
                    MsgFormat = reader.GetInt32(3),
                    Ext = reader.IsDBNull(4) ? null : reader.GetString(4),
                });
            }
        }
        var groupOutbox = new List<SendGroupRequest>();
        await using (var command = Command(connection, "SELECT client_msg_id, group_id, content, msg_format, ext, mentions FROM group_outbox WHERE user_id = $u ORDER BY seq", ("$u", userId)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                groupOutbox.Add(new SendGroupRequest
                {
                    ClientMsgId = reader.GetString(0),
                    GroupId = reader.GetString(1),
                    Content = reader.GetString(2),
                    MsgFormat = reader.GetInt32(3),
                    Ext = reader.IsDBNull(4) ? null : reader.GetString(4),
                    Mentions = reader.IsDBNull(5) ? null : reader.GetString(5).Split(','),
                });
            }
        }
        var cursors = new Dictionary<string, long>(StringComparer.Ordinal);
        await using (var command = Command(connection, "SELECT chat_id, seq FROM cursors WHERE user_id = $u", ("$u", userId)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                cursors[reader.GetString(0)] = reader.GetInt64(1);
            }
        }
        var seen = new List<string>();
        await using (var command = Command(connection, "SELECT msg_id FROM seen WHERE user_id = $u ORDER BY id DESC LIMIT $n", ("$u", userId), ("$n", seenCapacity)))
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
        {
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                seen.Add(reader.GetString(0));
            }
        }
        seen.Reverse();
        return new ClientState(outbox, cursors, seen) { GroupOutbox = groupOutbox };
    }

    /// <inheritdoc />
    public async Task AddSendAsync(string userId, SendRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.ClientMsgId);
        // ImChatClient refuses a send without these; a row without them could not be resent.
        ArgumentNullException.ThrowIfNull(request.ToUserId);
        ArgumentNullException.ThrowIfNull(request.Content);
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            "INSERT INTO outbox (user_id, client_msg_id, to_user_id, content, msg_format, ext) VALUES ($u, $c, $t, $b, $f, $e) ON CONFLICT (user_id, client_msg_id) DO NOTHING",
            ("$u", userId), ("$c", request.ClientMsgId), ("$t", request.ToUserId), ("$b", request.Content), ("$f", request.MsgFormat ?? SendDefaults.MsgFormat), ("$e", (object?)request.Ext ?? DBNull.Value));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task AddGroupSendAsync(string userId, SendGroupRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentException.ThrowIfNullOrEmpty(request.ClientMsgId);
        ArgumentNullException.ThrowIfNull(request.GroupId);
        ArgumentNullException.ThrowIfNull(request.Content);
        var mentions = request.Mentions is { Count: > 0 } list ? string.Join(',', list) : null;
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var command = Command(
            connection,
            "INSERT INTO group_outbox (user_id, client_msg_id, group_id, content, msg_format, ext, mentions) VALUES ($u, $c, $g, $b, $f, $e, $m) ON CONFLICT (user_id, client_msg_id) DO NOTHING",
            ("$u", userId), ("$c", request.ClientMsgId), ("$g", request.GroupId), ("$b", request.Content), ("$f", request.MsgFormat ?? SendDefaults.MsgFormat),
            ("$e", (object?)request.Ext ?? DBNull.Value), ("$m", (object?)mentions ?? DBNull.Value));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task RemoveSendAsync(string userId, string clientMsgId, CancellationToken cancellationToken)
    {
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        // A clientMsgId is unique per sender across C2C and group sends, so at most one of the two matches.
        await using var command = Command(
            connection,
            "DELETE FROM outbox WHERE user_id = $u AND client_msg_id = $c; DELETE FROM group_outbox WHERE user_id = $u AND client_msg_id = $c",
            ("$u", userId), ("$c", clientMsgId));
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task SaveProgressAsync(string userId, IReadOnlyDictionary<string, long> cursors, IReadOnlyList<string> seenMsgIds, int seenCapacity, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(cursors);
        ArgumentNullException.ThrowIfNull(seenMsgIds);
        if (cursors.Count == 0 && seenMsgIds.Count == 0)
        {
            return;
        }
        await using var connection = await OpenAsync(cancellationToken).ConfigureAwait(false);
        await using var transaction = (SqliteTransaction)await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        foreach (var (chatId, seq) in cursors)
        {
            await using var command = Command(
                connection,
                "INSERT INTO cursors (user_id, chat_id, seq) VALUES ($u, $c, $s) ON CONFLICT (user_id, chat_id) DO UPDATE SET seq = max(seq, excluded.seq)",
                ("$u", userId), ("$c", chatId), ("$s", seq));
            command.Transaction = transaction;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        foreach (var msgId in seenMsgIds)
        {
            await using var command = Command(connection, "INSERT INTO seen (user_id, msg_id) VALUES ($u, $m) ON CONFLICT (user_id, msg_id) DO NOTHING", ("$u", userId), ("$m", msgId));
            command.Transaction = transaction;
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        if (seenMsgIds.Count > 0)
        {
            // Keep the window bounded: everything older than the newest seenCapacity rows goes.
            await using var prune = Command(
                connection,
                "DELETE FROM seen WHERE user_id = $u AND id <= (SELECT id FROM seen WHERE user_id = $u ORDER BY id DESC LIMIT 1 OFFSET $n)",
                ("$u", userId), ("$n", seenCapacity));
            prune.Transaction = transaction;
            await prune.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task<SqliteConnection> OpenAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            // Per connection: FULL makes a commit wait for the disk, in WAL mode as well.
            await using (var pragma = Command(connection, "PRAGMA synchronous = FULL; PRAGMA busy_timeout = 5000;"))
            {
                await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            if (!_schemaReady)
            {
                await EnsureSchemaAsync(connection, cancellationToken).ConfigureAwait(false);
            }
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private async Task EnsureSchemaAsync(SqliteConnection connection, CancellationToken cancellationToken)
    {
        await _schemaGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_schemaReady)
            {
                return;
            }
            await using var command = Command(connection, Schema);
            await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            _schemaReady = true;
        }
        finally
        {
            _schemaGate.Release();
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }
        return command;
    }
}
