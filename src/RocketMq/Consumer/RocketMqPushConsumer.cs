using System.Globalization;
using System.Text.Json;
using System.Threading.Channels;
using ImSignalR.RocketMq.Consumer.Internal;
using ImSignalR.RocketMq.Internal;
using ImSignalR.RocketMq.Remoting;
using Microsoft.Extensions.Logging;

namespace ImSignalR.RocketMq.Consumer;

/// <summary>
/// A clustering consumer on the remoting protocol (doc §5, §7): heartbeat with subscription to every broker of
/// the route, average rebalance over the sorted consumer ids and queues (on a timer and on
/// NOTIFY_CONSUMER_IDS_CHANGED), one long-polling pull loop per owned queue, batches handled in queue order,
/// the next offset committed (UPDATE_CONSUMER_OFFSET) only after the handler returns.
/// <para><see cref="StopAsync"/> is the graceful shutdown (finish batches, commit, UNREGISTER_CLIENT);
/// <see cref="DisposeAsync"/> alone is a hard stop: in-flight batches are abandoned uncommitted, as in a crash.</para>
/// </summary>
// Public (issue 15) only so samples/ServiceClient can use this client without InternalsVisibleTo; not a supported API.
public sealed partial class RocketMqPushConsumer : IAsyncDisposable
{
    private const int PullFlagSuspend = 0x2;
    private const int PullFlagSubscription = 0x4;
    private const int MaxReconsumeTimes = 16;
    private static int s_instanceCounter;

    private readonly RocketMqOptions _options;
    private readonly string _topic;
    private readonly string _group;
    private readonly string _retryTopic;
    private readonly MessageBatchHandler _handler;
    private readonly ILogger _logger;
    private readonly IRemotingClient _client;
    private readonly TopicRouteCache _routes;
    private readonly long _subVersion = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    private readonly Channel<bool> _rebalanceSignal = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly Dictionary<MessageQueue, QueueWorker> _workers = [];
    private readonly CancellationTokenSource _hardStop = new();
    private readonly CancellationTokenSource _softStop = new();
    private readonly Lock _assignedLock = new();
    private readonly Lock _workersLock = new();
    private readonly QueueProgress _progress = new();
    private MessageQueue[] _assigned = [];
    private Task _heartbeatLoop = Task.CompletedTask;
    private Task _rebalanceLoop = Task.CompletedTask;
    private int _disposed;
    private bool _topicMissing;
    private bool _unknownToBroker;
    private bool _membersUnasked;

    public RocketMqPushConsumer(RocketMqOptions options, string topic, string group, MessageBatchHandler handler, ILogger logger)
    {
        _options = options;
        _topic = topic;
        _group = group;
        _retryTopic = "%RETRY%" + group;
        _handler = handler;
        _logger = logger;
        _client = new RemotingClient(options.ConnectTimeout, logger);
        _client.Notification += OnNotification;
        _routes = new TopicRouteCache(_client, options, logger);
        ClientId = UniqueIdGenerator.LocalIp() + "@" + (options.InstanceName
            ?? $"{Environment.ProcessId}#{Interlocked.Increment(ref s_instanceCounter)}#{Environment.TickCount64}");
    }

    /// <summary><c>clientIP@instanceName</c>, unique per consumer instance (doc §7.1, §9.10).</summary>
    public string ClientId { get; }

    /// <summary>Handled offsets and lag of the queues this instance owns.</summary>
    internal QueueProgress Progress => _progress;

    /// <summary>The queues this instance pulls right now.</summary>
    public IReadOnlyList<MessageQueue> AssignedQueues
    {
        get
        {
            lock (_assignedLock)
            {
                return _assigned;
            }
        }
    }

    /// <summary>Registers with the brokers and takes a first share of the queues. Broker failures are retried in the background.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await HeartbeatAllAsync(cancellationToken).ConfigureAwait(false);
        await RebalanceAsync(cancellationToken).ConfigureAwait(false);
        _heartbeatLoop = Task.Run(HeartbeatLoopAsync, CancellationToken.None);
        _rebalanceLoop = Task.Run(RebalanceLoopAsync, CancellationToken.None);
    }

    /// <summary>Graceful stop: in-flight batches finish and are committed, then the client unregisters.</summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _softStop.CancelAsync().ConfigureAwait(false);
        await IgnoreCancellation(_rebalanceLoop).ConfigureAwait(false);
        await IgnoreCancellation(_heartbeatLoop).ConfigureAwait(false);
        await Task.WhenAll(TakeWorkers().Select(w => w.StopAsync())).WaitAsync(cancellationToken).ConfigureAwait(false);
        SetAssigned([]);
        await UnregisterAsync(cancellationToken).ConfigureAwait(false);
        await DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _softStop.CancelAsync().ConfigureAwait(false);
        await _hardStop.CancelAsync().ConfigureAwait(false);
        await IgnoreCancellation(_rebalanceLoop).ConfigureAwait(false);
        await IgnoreCancellation(_heartbeatLoop).ConfigureAwait(false);
        foreach (var worker in TakeWorkers())
        {
            await IgnoreCancellation(worker.Completion).ConfigureAwait(false);
        }
        await _routes.DisposeAsync().ConfigureAwait(false);
        await _client.DisposeAsync().ConfigureAwait(false);
    }

    private void OnNotification(string address, RemotingCommand request)
    {
        if (request.Code == RequestCode.NotifyConsumerIdsChanged)
        {
            _rebalanceSignal.Writer.TryWrite(true);
        }
        else if (request.Code == RequestCode.ResetConsumerClientOffset)
        {
            ApplyReset(address, request);
        }
    }

    /// <summary>
    /// RESET_CONSUMER_CLIENT_OFFSET (4.9.x <c>resetOffsetByTime</c>): move each owned queue of the table to its new
    /// offset and commit it, as the Java <c>MQClientInstance.resetOffset</c> does. Queues owned by another member
    /// are that member's business; it gets the same push.
    /// </summary>
    private void ApplyReset(string address, RemotingCommand request)
    {
        var group = request.GetExt("group");
        var topic = request.GetExt("topic");
        if (group != _group || topic is null)
        {
            return;
        }
        IReadOnlyList<(MessageQueue Queue, long Offset)> table;
        try
        {
            table = ResetOffsetBody.Parse(request.Body.Span);
        }
        catch (FormatException e)
        {
            RocketMqLog.ResetRejected(_logger, address, topic, e);
            return;
        }
        var applied = 0;
        lock (_workersLock)
        {
            foreach (var (queue, offset) in table)
            {
                if (queue.Topic == topic && _workers.TryGetValue(queue, out var worker))
                {
                    worker.RequestReset(offset);
                    applied++;
                }
            }
        }
        RocketMqLog.ResetReceived(_logger, _group, topic, address, table.Count, applied);
    }

    private async Task HeartbeatLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval);
        while (await WaitTick(timer).ConfigureAwait(false))
        {
            await HeartbeatAllAsync(_softStop.Token).ConfigureAwait(false);
            await RefreshMaxOffsetsAsync(_softStop.Token).ConfigureAwait(false);
        }
    }

    private async Task RebalanceLoopAsync()
    {
        while (!_softStop.IsCancellationRequested)
        {
            using var tick = CancellationTokenSource.CreateLinkedTokenSource(_softStop.Token);
            // A topic the NameServer does not know yet is usually one its first send is about to create
            // (TBW102): look again soon rather than at the next periodic rebalance.
            var topicMissing = Volatile.Read(ref _topicMissing);
            // A broker that lists the group without us restarted and lost our heartbeat: register again soon.
            var unknown = Volatile.Read(ref _unknownToBroker);
            // No broker could be asked for the members: the queues we own are kept, but one a new topic just gave us
            // would wait out the whole periodic interval (20 s in Java). Ask again sooner, at a pace an outage can bear.
            var unasked = Volatile.Read(ref _membersUnasked);
            var soon = topicMissing || unknown ? _options.MissingTopicRetryInterval
                : unasked ? Min(_options.MissingTopicRetryInterval * 5, _options.RebalanceInterval)
                : _options.RebalanceInterval;
            tick.CancelAfter(soon);
            try
            {
                await _rebalanceSignal.Reader.ReadAsync(tick.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!_softStop.IsCancellationRequested)
            {
                // The periodic rebalance.
            }
            catch (OperationCanceledException)
            {
                return;
            }
            if (topicMissing || unknown)
            {
                // The new topic's brokers (or a restarted one) have not heard of us: register before asking for members.
                await HeartbeatAllAsync(_softStop.Token).ConfigureAwait(false);
            }
            await RebalanceAsync(_softStop.Token).ConfigureAwait(false);
        }
    }

    private async Task RebalanceAsync(CancellationToken cancellationToken)
    {
        try
        {
            var wanted = new List<MessageQueue>();
            foreach (var topic in new[] { _topic, _retryTopic })
            {
                var route = await _routes.GetAsync(topic, cancellationToken).ConfigureAwait(false);
                if (topic == _topic)
                {
                    Volatile.Write(ref _topicMissing, route is null);
                }
                if (route is null)
                {
                    continue;
                }
                var mqAll = route.SubscribeQueues(topic);
                var cidAll = await GetConsumerIdsAsync(route, cancellationToken).ConfigureAwait(false);
                if (topic == _topic)
                {
                    Volatile.Write(ref _unknownToBroker, cidAll is not null && !cidAll.Contains(ClientId, StringComparer.Ordinal));
                    Volatile.Write(ref _membersUnasked, cidAll is null);
                }
                if (cidAll is null || !cidAll.Contains(ClientId, StringComparer.Ordinal))
                {
                    // Could not ask any broker, or the broker does not list us (it restarted and lost our heartbeat;
                    // the Java client would drop every queue here and start them again a rebalance later): keep what
                    // we have. Until our heartbeat lands another member may also pull our queues; the store is idempotent.
                    lock (_workersLock)
                    {
                        wanted.AddRange(_workers.Keys.Where(q => q.Topic == topic));
                    }
                    continue;
                }
                cidAll.Sort(StringComparer.Ordinal);
                wanted.AddRange(QueueAllocator.Allocate(ClientId, mqAll, cidAll));
            }
            var keep = wanted.ToHashSet();
            MessageQueue[] assigned;
            lock (_workersLock)
            {
                if (_softStop.IsCancellationRequested)
                {
                    return;
                }
                foreach (var queue in _workers.Keys.Where(q => !keep.Contains(q)).ToList())
                {
                    // Finish the current batch and commit, in the background: the new owner may start meanwhile
                    // and see the last batch again, which the idempotent store absorbs.
                    _ = _workers[queue].StopAsync();
                    _workers.Remove(queue);
                }
                foreach (var queue in wanted.Where(q => !_workers.ContainsKey(q)))
                {
                    _workers[queue] = QueueWorker.Start(this, queue);
                }
                assigned = _workers.Keys.Order().ToArray();
            }
            if (!assigned.SequenceEqual(AssignedQueues))
            {
                SetAssigned(assigned);
                RocketMqLog.Rebalanced(_logger, ClientId, _group, assigned.Length, string.Join(' ', assigned));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (RocketMqProtocolException e)
        {
            RocketMqLog.RebalanceFailed(_logger, _group, e);
        }
    }

    private async Task<List<string>?> GetConsumerIdsAsync(TopicRouteData route, CancellationToken cancellationToken)
    {
        foreach (var broker in route.BrokerDatas.OrderBy(b => b.BrokerName, StringComparer.Ordinal))
        {
            if (!broker.BrokerAddrs.TryGetValue(0, out var address) && broker.BrokerAddrs.Count > 0)
            {
                address = broker.BrokerAddrs.First().Value;
            }
            if (address is null)
            {
                continue;
            }
            var request = RemotingCommand.CreateRequest(RequestCode.GetConsumerListByGroup, new() { ["consumerGroup"] = _group });
            request.Version = _options.ClientVersion;
            try
            {
                var response = await _client.InvokeAsync(address, request, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
                if (response.Code == ResponseCode.Success)
                {
                    using var doc = JsonDocument.Parse(response.Body);
                    return doc.RootElement.GetProperty("consumerIdList").EnumerateArray().Select(e => e.GetString()!).ToList();
                }
                if (response.Code == ResponseCode.SystemError)
                {
                    // "no consumer for this group": our heartbeat has not reached this broker yet.
                    return [];
                }
            }
            catch (RocketMqProtocolException e) when (e.IsTransport)
            {
                RocketMqLog.HeartbeatFailed(_logger, address, e.Message);
            }
        }
        return null;
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private List<QueueWorker> TakeWorkers()
    {
        lock (_workersLock)
        {
            var workers = _workers.Values.ToList();
            _workers.Clear();
            return workers;
        }
    }

    private void SetAssigned(MessageQueue[] assigned)
    {
        lock (_assignedLock)
        {
            _assigned = assigned;
        }
    }

    private async Task<bool> WaitTick(PeriodicTimer timer)
    {
        try
        {
            return await timer.WaitForNextTickAsync(_softStop.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static async Task IgnoreCancellation(Task task)
    {
        try
        {
            await task.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);
}
