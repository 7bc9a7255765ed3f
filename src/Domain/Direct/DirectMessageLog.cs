using System.Threading.Channels;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Domain.Direct;

/// <summary>
/// The message log without a broker: the store is the durable point. Appends from all callers go
/// through one queue drained by one writer that applies everything waiting as one transaction
/// (group commit): under load a batch grows while the previous one commits, so the cost of a
/// commit (an fsync for SQLite, a round trip for MySQL) is shared instead of paid per message.
/// </summary>
public sealed class DirectMessageLog : IMessageLog, IAsyncDisposable
{
    private readonly Channel<Pending> _queue;
    private readonly IMessageEventStore _store;
    private readonly DirectLogOptions _options;
    private readonly ILogger<DirectMessageLog> _logger;
    private readonly Task _writer;

    public DirectMessageLog(IMessageEventStore store, DirectLogOptions options, ILogger<DirectMessageLog> logger)
    {
        _store = store;
        _options = options;
        _logger = logger;
        _queue = Channel.CreateBounded<Pending>(new BoundedChannelOptions(options.QueueCapacity)
        {
            // Callers wait for room rather than being refused: the queue is the back-pressure.
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = true,
        });
        _writer = Task.Run(WriteLoopAsync);
    }

    public async ValueTask<AppendOutcome> AppendAsync(LogEvent logEvent, CancellationToken cancellationToken) =>
        await (await BeginAppendAsync(logEvent, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);

    /// <summary>Queues the event (its place is then fixed: one writer commits in queue order) and returns the durability task.</summary>
    public async ValueTask<Task<AppendOutcome>> BeginAppendAsync(LogEvent logEvent, CancellationToken cancellationToken)
    {
        var pending = new Pending(logEvent);
        try
        {
            await _queue.Writer.WriteAsync(pending, cancellationToken).ConfigureAwait(false);
        }
        catch (ChannelClosedException)
        {
            throw new ImException(ImErrorCode.ShuttingDown, "The node is shutting down; retry on another node.");
        }
        // Not cancellable once queued: the writer always completes it, and the caller must learn
        // whether the event became durable.
        return pending.Completion.Task;
    }

    /// <summary>Stops taking appends and waits until everything queued is written.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _writer.ConfigureAwait(false);
    }

    private async Task WriteLoopAsync()
    {
        var batch = new List<Pending>(_options.MaxBatchSize);
        var events = new List<LogEvent>(_options.MaxBatchSize);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            while (batch.Count < _options.MaxBatchSize && _queue.Reader.TryRead(out var next))
            {
                batch.Add(next);
                events.Add(next.Event);
            }
            await CommitAsync(batch, events).ConfigureAwait(false);
            batch.Clear();
            events.Clear();
        }
    }

    private async Task CommitAsync(List<Pending> batch, List<LogEvent> events)
    {
        try
        {
            // No caller token: a batch is shared by many callers, and shutdown drains it.
            var outcomes = await _store.ApplyAsync(events, CancellationToken.None).ConfigureAwait(false);
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].Completion.TrySetResult(outcomes[i]);
            }
            DirectLogLog.BatchCommitted(_logger, batch.Count);
        }
        catch (Exception ex)
        {
            var error = ex as ImException ?? new ImException(ImErrorCode.StoreUnavailable, "The store did not commit the message; retry.", ex);
            DirectLogLog.BatchFailed(_logger, batch.Count, ex);
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(error);
            }
        }
    }

    private sealed class Pending(LogEvent logEvent)
    {
        public LogEvent Event { get; } = logEvent;

        public TaskCompletionSource<AppendOutcome> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
