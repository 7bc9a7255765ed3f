using System.Data.Common;
using ImSignalR.Storage.Internal;
using ImSignalR.Storage.Sqlite.Internal;

namespace ImSignalR.Storage.Sqlite;

/// <summary>
/// The embedded store. SQLite has one writer per file, so every batch goes through one long-lived
/// writer connection behind a gate (no SQLITE_BUSY between our own writers, and the connection's
/// prepared statements stay warm); reads use pooled connections, which WAL lets run beside the writer.
/// </summary>
internal sealed class SqliteMessageStore : SqlMessageStore, IAsyncDisposable
{
    private readonly IDbConnectionFactory _connections;
    private readonly SemaphoreSlim _writerGate = new(1, 1);
    private DbConnection? _writer;
    private bool _disposed;

    public SqliteMessageStore(IDbConnectionFactory connections)
        : base(connections, SqliteDialect.Instance)
    {
        _connections = connections;
    }

    protected override async Task<T> RunInWriteTransactionAsync<T>(
        Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        await _writerGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            _writer ??= await _connections.OpenAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                // Microsoft.Data.Sqlite begins with BEGIN IMMEDIATE: the write lock is taken up front, so
                // another process holding it makes us wait (busy_timeout) instead of failing mid-batch.
                await using var transaction = await _writer.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
                var result = await work(_writer, transaction, cancellationToken).ConfigureAwait(false);
                await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                return result;
            }
            catch
            {
                // After a failure the connection's state is unknown (I/O error, interrupted statement): start afresh.
                await _writer.DisposeAsync().ConfigureAwait(false);
                _writer = null;
                throw;
            }
        }
        finally
        {
            _writerGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _writerGate.WaitAsync().ConfigureAwait(false);
        try
        {
            _disposed = true;
            if (_writer is not null)
            {
                await _writer.DisposeAsync().ConfigureAwait(false);
                _writer = null;
            }
        }
        finally
        {
            _writerGate.Release();
        }
    }
}
