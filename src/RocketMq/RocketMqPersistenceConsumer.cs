using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Sequencing;
using ImSignalR.RocketMq.Consumer;
using ImSignalR.RocketMq.Internal;
using ImSignalR.RocketMq.Producer;
using ImSignalR.RocketMq.Remoting;
using ImSignalR.RocketMq.Service;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImSignalR.RocketMq;

/// <summary>
/// The <c>im-business</c> role (SPEC §6): consumes ClusterEvents and applies each pulled batch, in queue order,
/// to <see cref="IMessageEventStore.ApplyAsync"/>; the offset is committed only after the batch is applied. The store
/// is idempotent, so a batch redelivered after a crash changes nothing. While the store is unavailable the batch
/// is retried in place (with backoff) rather than sent to the retry topic, which would break per-chat order.
/// A body that is not a ClusterEvent is logged and skipped: no retry can fix it.
/// </summary>
internal sealed partial class RocketMqPersistenceConsumer : IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    private readonly IMessageEventStore _store;
    private readonly RocketMqOptions _options;
    private readonly ILogger _logger;
    private readonly LocalConsumerRegistry? _registry;
    private readonly IRocketMqProducer? _events;
    private readonly RocketMqMetrics? _metrics;
    private readonly SeqConflictResolver? _conflicts;
    private RocketMqPushConsumer? _consumer;
    private RocketMqPushConsumer? _groupConsumer;

    public RocketMqPersistenceConsumer(
        IMessageEventStore store, IOptions<RocketMqOptions> options, ILogger<RocketMqPersistenceConsumer> logger,
        LocalConsumerRegistry? registry = null, IRocketMqProducer? producer = null, RocketMqMetrics? metrics = null,
        SeqConflictResolver? conflicts = null)
    {
        _store = store;
        _options = options.Value;
        _logger = logger;
        _registry = registry;
        // SPEC §13 message_sent events come from here: every accepted message passes this point after it is
        // durable, once per queue owner, and a crash before the commit publishes again (at least once).
        _events = _options.Service.Enabled ? producer : null;
        _metrics = metrics;
        _conflicts = conflicts;
    }

    /// <summary>The underlying consumer (tests look at its queue assignment).</summary>
    internal RocketMqPushConsumer? Consumer => _consumer;

    /// <summary>The group topic's consumer (SPEC §10), in its own consumer group (see <see cref="RocketMqOptions.GroupConsumerGroup"/>).</summary>
    internal RocketMqPushConsumer? GroupConsumer => _groupConsumer;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _consumer = new RocketMqPushConsumer(_options, _options.Topic, _options.ConsumerGroup,
            (q, m, ct) => ApplyBatchAsync(q, m, ClusterEventCodec.Parse, ct), _logger);
        _registry?.Add(_consumer.Progress);
        _groupConsumer = new RocketMqPushConsumer(_options, _options.GroupTopic, _options.GroupConsumerGroup,
            (q, m, ct) => ApplyBatchAsync(q, m, GroupClusterEventCodec.Parse, ct), _logger);
        _registry?.Add(_groupConsumer.Progress);
        await _consumer.StartAsync(cancellationToken).ConfigureAwait(false);
        await _groupConsumer.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Graceful: in-flight batches finish and commit.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        foreach (var consumer in Take())
        {
            _registry?.Remove(consumer.Progress);
            await consumer.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Hard stop: in-flight batches are abandoned uncommitted (as in a crash).</summary>
    public async ValueTask DisposeAsync()
    {
        foreach (var consumer in Take())
        {
            _registry?.Remove(consumer.Progress);
            await consumer.DisposeAsync().ConfigureAwait(false);
        }
    }

    private List<RocketMqPushConsumer> Take()
    {
        var taken = new List<RocketMqPushConsumer>(2);
        if (Interlocked.Exchange(ref _consumer, null) is { } c2c)
        {
            taken.Add(c2c);
        }
        if (Interlocked.Exchange(ref _groupConsumer, null) is { } group)
        {
            taken.Add(group);
        }
        return taken;
    }

    private delegate LogEvent Parser(ReadOnlySpan<byte> body);

    private async Task ApplyBatchAsync(MessageQueue queue, IReadOnlyList<MessageExt> messages, Parser parse, CancellationToken cancellationToken)
    {
        var events = new List<LogEvent>(messages.Count);
        foreach (var message in messages)
        {
            try
            {
                events.Add(parse(message.Body.Span));
            }
            catch (FormatException e)
            {
                // No retry can fix it, and holding it would block every chat behind it on this queue.
                RocketMqLog.PoisonMessage(_logger, message.MsgId, queue.ToString(), e);
                _metrics?.EventsSkipped?.Add(1, new KeyValuePair<string, object?>("topic", queue.Topic));
            }
        }
        if (events.Count == 0)
        {
            return;
        }
        IReadOnlyList<AppendOutcome> applied;
        var delay = TimeSpan.FromMilliseconds(200);
        while (true)
        {
            try
            {
                var outcomes = await _store.ApplyAsync(events, cancellationToken).ConfigureAwait(false);
                applied = await ResolveConflictsAsync(queue, events, outcomes, cancellationToken).ConfigureAwait(false);
                break;
            }
            catch (ImException e) when (e.IsRetriable)
            {
                RocketMqLog.StoreUnavailable(_logger, events.Count, queue.ToString(), (int)delay.TotalMilliseconds, e);
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
            }
        }
        if (_events is not null)
        {
            await PublishEventsAsync(queue, events, applied, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// message_sent for each send and message_recalled for each recall of the batch, before the batch's offset is committed. A failure is retried
    /// in place (with backoff), like an unavailable store: dropping it would break "at least once", and the
    /// retry topic would break per-chat order.
    /// </summary>
    private async Task PublishEventsAsync(MessageQueue queue, List<LogEvent> events, IReadOnlyList<AppendOutcome> outcomes, CancellationToken cancellationToken)
    {
        var service = _options.Service;
        for (var i = 0; i < events.Count; i++)
        {
            var logEvent = events[i];
            var (body, type, msgId, userId) = logEvent switch
            {
                // A send still refused for its seq was not stored (no resolver here): nothing to announce.
                MessageSent { Message: var m } when outcomes[i].Status != AppendStatus.SeqConflict => (ServiceEventCodec.MessageSent(m, service.EventsIncludeContent), ServiceEventCodec.MessageSentType, m.MsgId, m.FromUserId),
                MessageRecalled r => (ServiceEventCodec.MessageRecalled(r), ServiceEventCodec.MessageRecalledType, r.MsgId, r.FromUserId),
                _ => GroupServiceEvent(logEvent, outcomes[i]),
            };
            if (body is null)
            {
                continue;
            }
            var message = new OutgoingMessage(service.EventTopic, body, type, msgId.ToString(System.Globalization.CultureInfo.InvariantCulture), logEvent.ChatId,
                [new("event_type", type), new("user_id", userId)]);
            var delay = TimeSpan.FromMilliseconds(200);
            while (true)
            {
                try
                {
                    await _events!.SendAsync(message, cancellationToken).ConfigureAwait(false);
                    _metrics?.EventsPublished?.Add(1, new KeyValuePair<string, object?>("type", type));
                    break;
                }
                catch (RocketMqProtocolException e)
                {
                    RocketMqLog.EventPublishFailed(_logger, service.EventTopic, queue.ToString(), (int)delay.TotalMilliseconds, e);
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
                }
            }
        }
    }
}
