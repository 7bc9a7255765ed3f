using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Sequencing;
using ImSignalR.Domain.Services;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Domain.Direct;

/// <summary>
/// <see cref="IGroupLog"/> over the store: a group commit queue of its own (a <see cref="DirectMessageLog"/>) into the
/// same <see cref="IMessageEventStore.ApplyAsync"/> write path as every other event, whatever the C2C log is.
/// </summary>
public sealed class DirectGroupLog : IGroupLog, IAsyncDisposable
{
    private readonly DirectMessageLog _log;

    public DirectGroupLog(
        IMessageEventStore store, SeqConflictResolver conflicts, DirectLogOptions options, ILogger<DirectMessageLog> logger, MessagingMetrics? metrics = null)
    {
        _log = new DirectMessageLog(store, conflicts, options, logger, metrics, "group");
    }

    public ValueTask<Task<AppendOutcome>> BeginAppendAsync(LogEvent logEvent, CancellationToken cancellationToken) =>
        _log.BeginAppendAsync(logEvent, cancellationToken);

    public ValueTask DisposeAsync() => _log.DisposeAsync();
}
