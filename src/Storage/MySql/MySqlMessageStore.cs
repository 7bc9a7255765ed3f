using System.Data;
using System.Data.Common;
using ImSignalR.Storage.Internal;
using ImSignalR.Storage.MySql.Internal;

namespace ImSignalR.Storage.MySql;

/// <summary>
/// The cluster store on MySQL/MariaDB. All logic is shared with SQLite in <see cref="SqlMessageStore"/>;
/// writes run at READ COMMITTED, InnoDB row locks order concurrent writers.
/// </summary>
/// <remarks>
/// The group-commit writer writes one batch after another, so one connection is kept open for it: a
/// connection taken from the pool costs a round trip more per batch (MySqlConnector resets it on open),
/// a quarter of a batch's round trips. A batch that finds the kept connection busy (several writers, e.g.
/// RocketMQ queues) takes a pooled one. The kept connection is dropped after any failure and after
/// <see cref="MaxWriterIdle"/> unused; when it turns out dead at BEGIN (the server restarted), nothing was
/// sent yet and the batch starts again on a pooled connection, whose reset proves it reaches the server.
/// </remarks>
internal sealed class MySqlMessageStore : SqlMessageStore, IAsyncDisposable
{
    /// <summary>Below the pool's own idle limit (ConnectionIdleTimeout, 180 s) and any server or proxy idle cut.</summary>
    internal static readonly TimeSpan MaxWriterIdle = TimeSpan.FromSeconds(60);

    private readonly IDbConnectionFactory _connections;
    private readonly SemaphoreSlim _writerGate = new(1, 1);
    private DbConnection? _writer;
    private long _writerLastUsed;
    private bool _disposed;

    public MySqlMessageStore(IDbConnectionFactory connections)
        : base(connections, MySqlDialect.Instance)
    {
        _connections = connections;
    }

    protected override async Task<T> RunInWriteTransactionAsync<T>(
        Func<DbConnection, DbTransaction, CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        if (!_writerGate.Wait(0))
        {
            return await base.RunInWriteTransactionAsync(work, cancellationToken).ConfigureAwait(false);
        }
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_writer is not null && System.Diagnostics.Stopwatch.GetElapsedTime(_writerLastUsed) > MaxWriterIdle)
            {
                await DropWriterAsync().ConfigureAwait(false);
            }
            var fresh = _writer is null;
            _writer ??= await _connections.OpenAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                DbTransaction transaction;
                try
                {
                    transaction = await _writer.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (!fresh && StoreFailures.IsDriverFailure(ex) && !cancellationToken.IsCancellationRequested)
                {
                    await DropWriterAsync().ConfigureAwait(false);
                    _writer = await _connections.OpenAsync(cancellationToken).ConfigureAwait(false);
                    transaction = await _writer.BeginTransactionAsync(IsolationLevel.ReadCommitted, cancellationToken).ConfigureAwait(false);
                }
                await using (transaction.ConfigureAwait(false))
                {
                    var result = await work(_writer, transaction, cancellationToken).ConfigureAwait(false);
                    await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
                    _writerLastUsed = System.Diagnostics.Stopwatch.GetTimestamp();
                    return result;
                }
            }
            catch
            {
                // After a failure the session's state is unknown (open transaction, broken socket): start afresh.
                await DropWriterAsync().ConfigureAwait(false);
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
            await DropWriterAsync().ConfigureAwait(false);
        }
        finally
        {
            _writerGate.Release();
        }
    }

    private async Task DropWriterAsync()
    {
        if (_writer is { } writer)
        {
            _writer = null;
            await writer.DisposeAsync().ConfigureAwait(false);
        }
    }
}
