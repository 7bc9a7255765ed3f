using System.Diagnostics.Metrics;
using System.Threading.Channels;
using ImSignalR.Domain.Ports;
using ImSignalR.RocketMq.Producer;
using ImSignalR.RocketMq.Remoting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImSignalR.RocketMq.Service;

/// <summary>
/// SPEC §13 <c>user_join</c>/<c>user_leave</c> on <c>Im:RocketMq:Service:EventTopic</c>. Presence reports a change
/// after Redis (or the embedded node) made it; <see cref="Publish"/> only queues it (bounded by
/// <c>…:Service:PresenceEventQueue</c>, full mode: the new event is dropped and counted), so a connect or disconnect
/// never waits for the broker. One loop sends the queue in order, sharded by user id (one user's events stay on one
/// queue, in the order this node saw them), retrying a failed send with backoff until it goes through: at least once
/// while the node lives. A node that crashes loses what it had queued; a graceful stop sends it first (bounded).
/// </summary>
internal sealed partial class PresenceEventPublisher : IPresenceEvents, IHostedService, IAsyncDisposable
{
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(10);

    /// <summary>How long disposal waits for the queue to reach the broker.</summary>
    internal static readonly TimeSpan DrainTimeout = TimeSpan.FromSeconds(5);

    private readonly Channel<PresenceEvent> _queue;
    private readonly IRocketMqProducer _producer;
    private readonly string _topic;
    private readonly ILogger _logger;
    private readonly Counter<long>? _published;
    private readonly Counter<long>? _dropped;
    private readonly CancellationTokenSource _stop = new();
    private Task? _loop;
    private int _depth;
    private int _disposed;

    public PresenceEventPublisher(IOptions<RocketMqOptions> options, IRocketMqProducer producer, ILogger<PresenceEventPublisher> logger, RocketMqMetrics? metrics = null, Meter? meter = null)
    {
        var service = options.Value.Service;
        _topic = service.EventTopic;
        _producer = producer;
        _logger = logger;
        _published = metrics?.EventsPublished;
        _dropped = meter?.CreateCounter<long>("im.service.events.dropped", description: "SPEC §13 presence events dropped because the node's queue was full, by type.");
        meter?.CreateObservableGauge("im.service.events.queued", () => Volatile.Read(ref _depth), description: "SPEC §13 presence events waiting for the broker on this node.");
        _queue = Channel.CreateBounded<PresenceEvent>(new BoundedChannelOptions(service.PresenceEventQueue)
        {
            FullMode = BoundedChannelFullMode.Wait, // with TryWrite: a full queue refuses the new event at once
            SingleReader = true,
        });
    }

    public void Publish(PresenceEvent presenceEvent)
    {
        if (_queue.Writer.TryWrite(presenceEvent))
        {
            Interlocked.Increment(ref _depth);
            return;
        }
        var type = presenceEvent.Kind == PresenceEventKind.Joined ? ServiceEventCodec.UserJoinType : ServiceEventCodec.UserLeaveType;
        _dropped?.Add(1, new KeyValuePair<string, object?>("type", type));
        LogDropped(type);
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _loop ??= Task.Run(() => RunAsync(_stop.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    /// <summary>Nothing here: connections still close (and leave) after the hosted services stop; see <see cref="DisposeAsync"/>.</summary>
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The container disposes this after every hosted service stopped (the last leaves are queued by then) and before
    /// the producer it depends on: the queue goes to the broker for up to <see cref="DrainTimeout"/>.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        // Registered as itself, as IPresenceEvents and as a hosted service: the container may dispose it more than once.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }
        _queue.Writer.TryComplete();
        if (_loop is { } loop)
        {
            if (await Task.WhenAny(loop, Task.Delay(DrainTimeout)).ConfigureAwait(false) != loop)
            {
                LogUndelivered(Volatile.Read(ref _depth));
            }
            await _stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await loop.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }
        _stop.Dispose();
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        await foreach (var e in _queue.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            Interlocked.Decrement(ref _depth);
            var (body, type) = ServiceEventCodec.Presence(e);
            var message = new OutgoingMessage(_topic, body, type, e.UserId, e.UserId, [new("event_type", type), new("user_id", e.UserId)], e.Time);
            var delay = TimeSpan.FromMilliseconds(200);
            while (true)
            {
                try
                {
                    await _producer.SendAsync(message, cancellationToken).ConfigureAwait(false);
                    _published?.Add(1, new KeyValuePair<string, object?>("type", type));
                    break;
                }
                catch (Exception ex) when (ex is RocketMqProtocolException or IOException or TimeoutException && !cancellationToken.IsCancellationRequested)
                {
                    LogSendFailed(type, (int)delay.TotalMilliseconds, ex);
                    await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxBackoff.Ticks));
                }
            }
        }
    }

    [LoggerMessage(7050, LogLevel.Warning, "Publishing a {Type} event failed; retrying in {DelayMs} ms")]
    private partial void LogSendFailed(string type, int delayMs, Exception error);

    [LoggerMessage(7051, LogLevel.Warning, "The presence event queue is full; a {Type} event was dropped")]
    private partial void LogDropped(string type);

    [LoggerMessage(7052, LogLevel.Warning, "Stopping with {Count} presence events not sent to the broker")]
    private partial void LogUndelivered(int count);
}
