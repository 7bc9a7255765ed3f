using System.Diagnostics;
using System.Threading.Channels;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Sequencing;
using ImSignalR.Domain.Services;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Domain.Direct;

/// <summary>
/// The message log without a broker: the store is the durable point. Appends from all callers go
/// through one queue drained by one writer that applies everything waiting as one transaction
/// (group commit): under load a batch grows while the previous one commits, so the cost of a
/// commit (an fsync for SQLite, a round trip for MySQL) is shared instead of paid per message.
/// A send whose seq the store refuses (another message holds it) is given a new one by the writer and applied again
/// (<see cref="SeqConflictResolver"/>), so callers only ever see it appended, moved or not, or a duplicate.
/// </summary>
public sealed class DirectMessageLog : IMessageLog, IAsyncDisposable
{
    private readonly Channel<Pending> _queue;
    private readonly IMessageEventStore _store;
    private readonly SeqConflictResolver _conflicts;
    private readonly DirectLogOptions _options;
    private readonly ILogger<DirectMessageLog> _logger;
    private readonly MessagingMetrics? _metrics;
    private readonly KeyValuePair<string, object?> _logTag;
    private readonly Task _writer;

    /// <param name="name">The <c>log</c> tag of its metrics: <c>c2c</c> or <c>group</c>.</param>
    public DirectMessageLog(
        IMessageEventStore store, SeqConflictResolver conflicts, DirectLogOptions options, ILogger<DirectMessageLog> logger,
        MessagingMetrics? metrics = null, string name = "c2c")
    {
        _metrics = metrics;
        _logTag = new("log", name);
        _store = store;
        _conflicts = conflicts;
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
            var started = Stopwatch.GetTimestamp();
            var outcomes = await _store.ApplyAsync(events, CancellationToken.None).ConfigureAwait(false);
            _metrics?.LogCommitDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, _logTag);
            _metrics?.LogBatchEvents.Record(events.Count, _logTag);
            List<int>? conflicted = null;
            for (var i = 0; i < batch.Count; i++)
            {
                if (outcomes[i].Status == AppendStatus.SeqConflict)
                {
                    (conflicted ??= []).Add(i);
                }
                else
                {
                    batch[i].Completion.TrySetResult(outcomes[i]);
                }
            }
            DirectLogLog.BatchCommitted(_logger, batch.Count);
            if (conflicted is not null)
            {
                await ResequenceAsync(conflicted.ConvertAll(i => batch[i])).ConfigureAwait(false);
            }
        }
        catch (Exception ex)
        {
            var error = AsRetriable(ex);
            DirectLogLog.BatchFailed(_logger, batch.Count, ex);
            foreach (var pending in batch)
            {
                pending.Completion.TrySetException(error);
            }
        }
    }

    /// <summary>
    /// Gives each conflicted send a new seq and applies them again, before the next batch: in their order, one round
    /// per attempt. Those still refused after <see cref="SeqConflictResolver.MaxAttempts"/> fail retriably.
    /// </summary>
    private async Task ResequenceAsync(List<Pending> conflicted)
    {
        try
        {
            conflicted = await ResequenceRoundsAsync(conflicted).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Nothing of these was stored: the counter or the store is away, and the callers' retries start over.
            var error = AsRetriable(ex);
            DirectLogLog.BatchFailed(_logger, conflicted.Count, ex);
            foreach (var pending in conflicted)
            {
                pending.Completion.TrySetException(error);
            }
            return;
        }
        foreach (var pending in conflicted)
        {
            pending.Completion.TrySetException(SeqConflictResolver.GaveUp());
        }
    }

    /// <returns>Those still refused after the last attempt.</returns>
    private async Task<List<Pending>> ResequenceRoundsAsync(List<Pending> conflicted)
    {
        var events = conflicted.ConvertAll(p => p.Event);
        var outcomes = new AppendOutcome[conflicted.Count];
        // Each send is answered as soon as the store takes it, so a failure in a later round fails only the rest.
        var still = await _conflicts.ReapplyAsync(_store, events, outcomes, [.. Enumerable.Range(0, conflicted.Count)],
            i => conflicted[i].Completion.TrySetResult(outcomes[i].Status == AppendStatus.Appended
                ? AppendOutcome.AppendedAs(SeqConflictResolver.TimelineMessageOf(events[i])!)
                : outcomes[i]),
            CancellationToken.None).ConfigureAwait(false);
        return still.ConvertAll(i => conflicted[i]);
    }

    private static ImException AsRetriable(Exception ex) =>
        ex as ImException ?? new ImException(ImErrorCode.StoreUnavailable, "The store did not commit the message; retry.", ex);

    private sealed class Pending(LogEvent logEvent, TaskCompletionSource<AppendOutcome> completion)
    {
        public Pending(LogEvent logEvent)
            : this(logEvent, new TaskCompletionSource<AppendOutcome>(TaskCreationOptions.RunContinuationsAsynchronously))
        {
        }

        public LogEvent Event { get; } = logEvent;

        public TaskCompletionSource<AppendOutcome> Completion { get; } = completion;
    }
}
