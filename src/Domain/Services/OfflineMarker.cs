using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Domain.Services;

/// <summary>
/// Appends <c>C2C_OFF_LINE_MSG</c> for a message the recipient did not get pushed. Best effort: the
/// message itself is already stored and reaches the recipient through sync either way (G5). Every
/// mark is also handed to the <see cref="IOfflineNotifier"/> (the push hook), if one is registered.
/// </summary>
public sealed class OfflineMarker
{
    private readonly IMessageLog _log;
    private readonly MessagingMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger<OfflineMarker> _logger;
    private readonly IOfflineNotifier? _notifier;

    public OfflineMarker(IMessageLog log, MessagingMetrics metrics, TimeProvider time, ILogger<OfflineMarker> logger, IOfflineNotifier? notifier = null)
    {
        _notifier = notifier;
        _log = log;
        _metrics = metrics;
        _time = time;
        _logger = logger;
    }

    /// <param name="reason"><c>offline</c> at send time, <c>gone</c> at replay, <c>budget</c> when the replays are spent.</param>
    public async Task MarkAsync(ChatMessage message, string reason, CancellationToken cancellationToken)
    {
        try
        {
            await _log.AppendAsync(new MessageOffline(message, _time.GetUtcNow().ToUnixTimeMilliseconds()), cancellationToken).ConfigureAwait(false);
            _metrics.OfflineMarks.Add(1, new KeyValuePair<string, object?>("reason", reason));
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _metrics.LogErrors.Add(1);
            DomainLog.OfflineMarkFailed(_logger, message.MsgId, ex);
        }
        // Whether or not the log took the mark: the recipient is offline either way. Queues only.
        _notifier?.MessageOffline(message);
    }

    /// <summary>The rest of a mark for a message that was stored offline to begin with: counted and handed to the push hook.</summary>
    public Task StoredOfflineAsync(ChatMessage message, string reason)
    {
        _metrics.OfflineMarks.Add(1, new KeyValuePair<string, object?>("reason", reason));
        _notifier?.MessageOffline(message);
        return Task.CompletedTask;
    }
}
