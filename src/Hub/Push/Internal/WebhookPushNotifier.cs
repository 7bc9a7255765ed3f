using System.Diagnostics.Metrics;
using System.Globalization;
using System.Threading.Channels;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImSignalR.Hub.Push.Internal;

/// <summary>
/// The push hook: <see cref="MessageOffline"/> only queues (bounded, drop-oldest, so a send never waits
/// for the webhook); one background loop takes batches of up to <c>BatchMaxSize</c> (waiting at most
/// <c>BatchMaxDelay</c> for a batch to fill), leaves out recipients that have a live connection by now
/// (they get the message through the socket or their sync), adds each recipient's badge (unread messages
/// over its conversations) and hands the batch to the <see cref="WebhookSender"/>. While the webhook is
/// down the loop sits in the sender's backoff and the queue absorbs new marks, dropping the oldest.
/// </summary>
internal sealed class WebhookPushNotifier : BackgroundService, IOfflineNotifier
{
    /// <summary>Conversations summed into the badge at most.</summary>
    private const int BadgeConversations = 500;

    private readonly Channel<ChatMessage> _queue;
    private readonly PushOptions _options;
    private readonly IPresence _presence;
    private readonly IMessageQueries _store;
    private readonly WebhookSender _sender;
    private readonly PushMetrics _metrics;
    private readonly ILogger<WebhookPushNotifier> _logger;
    private int _depth;

    public WebhookPushNotifier(
        IOptions<PushOptions> options,
        IPresence presence,
        IMessageQueries store,
        IHttpClientFactory clients,
        Meter meter,
        TimeProvider time,
        ILoggerFactory loggers)
    {
        _options = options.Value;
        _presence = presence;
        _store = store;
        _logger = loggers.CreateLogger<WebhookPushNotifier>();
        _metrics = new PushMetrics(meter, () => Volatile.Read(ref _depth));
        _sender = new WebhookSender(clients, _options, _metrics, time, loggers.CreateLogger<WebhookSender>());
        _queue = Channel.CreateBounded<ChatMessage>(
            new BoundedChannelOptions(_options.QueueCapacity) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true },
            _ =>
            {
                Interlocked.Decrement(ref _depth);
                _metrics.Dropped.Add(1, new KeyValuePair<string, object?>("reason", "queue_full"));
                PushLog.QueueFull(_logger);
            });
    }

    public void MessageOffline(ChatMessage message)
    {
        Interlocked.Increment(ref _depth);
        if (_queue.Writer.TryWrite(message))
        {
            _metrics.Enqueued.Add(1);
        }
        else
        {
            // Completed: the node is stopping.
            Interlocked.Decrement(ref _depth);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _queue.Writer.TryComplete();
        await base.StopAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        PushLog.Enabled(_logger, new Uri(_options.WebhookUrl!).Host, _options.BatchMaxSize, _options.IncludePreview);
        var batch = new List<ChatMessage>(_options.BatchMaxSize);
        try
        {
            while (await _queue.Reader.WaitToReadAsync(stoppingToken).ConfigureAwait(false))
            {
                batch.Clear();
                await FillAsync(batch, stoppingToken).ConfigureAwait(false);
                var notifications = await BuildAsync(batch, stoppingToken).ConfigureAwait(false);
                if (notifications.Count > 0)
                {
                    await _sender.DeliverAsync(notifications, stoppingToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping: what is queued is not sent (best effort; the apps' syncs cover it).
        }
    }

    private async Task FillAsync(List<ChatMessage> batch, CancellationToken stoppingToken)
    {
        Take(batch);
        if (batch.Count >= _options.BatchMaxSize || _options.BatchMaxDelay <= TimeSpan.Zero)
        {
            return;
        }
        using var window = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
        window.CancelAfter(_options.BatchMaxDelay);
        try
        {
            while (batch.Count < _options.BatchMaxSize && await _queue.Reader.WaitToReadAsync(window.Token).ConfigureAwait(false))
            {
                Take(batch);
            }
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            // The batch waited long enough.
        }
    }

    private void Take(List<ChatMessage> batch)
    {
        while (batch.Count < _options.BatchMaxSize && _queue.Reader.TryRead(out var message))
        {
            Interlocked.Decrement(ref _depth);
            batch.Add(message);
        }
    }

    private async Task<List<PushNotification>> BuildAsync(List<ChatMessage> batch, CancellationToken cancellationToken)
    {
        var notifications = new List<PushNotification>(batch.Count);
        foreach (var group in batch.GroupBy(m => m.ToUserId, StringComparer.Ordinal))
        {
            var userId = group.Key;
            if (await IsOnlineAsync(userId, cancellationToken).ConfigureAwait(false))
            {
                _metrics.SkippedOnline.Add(group.Count());
                continue;
            }
            var badge = await BadgeAsync(userId, group.Count(), cancellationToken).ConfigureAwait(false);
            foreach (var message in group)
            {
                notifications.Add(new PushNotification(
                    userId,
                    message.ChatId,
                    message.MsgId.ToString(CultureInfo.InvariantCulture),
                    message.FromUserId,
                    Preview(message),
                    badge));
            }
        }
        return notifications;
    }

    private async Task<bool> IsOnlineAsync(string userId, CancellationToken cancellationToken)
    {
        try
        {
            return await _presence.IsOnlineAsync(userId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Unknown counts as offline: a needless push is cheaper than a missed one.
            PushLog.LookupFailed(_logger, "presence", userId, ex);
            return false;
        }
    }

    private async Task<long> BadgeAsync(string userId, int inBatch, CancellationToken cancellationToken)
    {
        try
        {
            var conversations = await _store.GetConversationsAsync(userId, BadgeConversations, cancellationToken).ConfigureAwait(false);
            // The store may not have the newest message yet (a log ahead of it): never below this batch.
            return Math.Max(conversations.Sum(c => c.Unread), inBatch);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            PushLog.LookupFailed(_logger, "the unread count", userId, ex);
            return inBatch;
        }
    }

    /// <summary>Text messages only, cut to PreviewMaxChars without splitting a surrogate pair; null unless IncludePreview.</summary>
    private string? Preview(ChatMessage message)
    {
        if (!_options.IncludePreview || message.MsgFormat != MsgFormats.Text)
        {
            return null;
        }
        var content = message.Content;
        if (content.Length <= _options.PreviewMaxChars)
        {
            return content;
        }
        var cut = _options.PreviewMaxChars;
        if (char.IsHighSurrogate(content[cut - 1]))
        {
            cut--;
        }
        return content[..cut];
    }
}
