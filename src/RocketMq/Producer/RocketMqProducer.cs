using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;
using ImSignalR.RocketMq.Internal;
using ImSignalR.RocketMq.Remoting;
using Microsoft.Extensions.Logging;

namespace ImSignalR.RocketMq.Producer;

/// <summary>
/// SEND_MESSAGE_V2 (310) producer (doc §3). The queue is <c>publishQueues[hash(shardingKey) % n]</c> with a
/// stable hash, so a conversation stays on one queue while the route is unchanged. A retryable failure
/// (transport or timeout, SYSTEM_ERROR/BUSY, SERVICE_NOT_AVAILABLE, NO_PERMISSION, TOPIC_NOT_EXIST — the Java
/// <c>retryResponseCodes</c>) is retried on the SAME queue, never another: a copy on a second queue could be
/// consumed before the chat's earlier events (an ack applied before its send). When the attempts are spent the
/// send fails and the caller reports a retriable error. The producer heartbeats its group to every broker it
/// sends to (Java <c>sendHeartbeatToAllBroker</c>) and unregisters on dispose.
/// </summary>
// Public (issue 15) only so samples/ServiceClient can use this client without InternalsVisibleTo; not a supported API.
public sealed class RocketMqProducer : IRocketMqProducer
{
    /// <summary>The auto-create template topic and queue count the Java client sends (doc §3.6).</summary>
    private const string DefaultTopic = "TBW102";
    private const int DefaultTopicQueueNums = 4;
    private const string InnerProducerGroup = "CLIENT_INNER_PRODUCER";
    private static int s_instanceCounter;

    private readonly IRemotingClient _client;
    private readonly TopicRouteCache _routes;
    private readonly RocketMqOptions _options;
    private readonly ILogger _logger;
    private readonly bool _ownsClient;
    private readonly string _clientId;
    private readonly ConcurrentDictionary<string, bool> _brokers = new(StringComparer.Ordinal);
    private readonly Channel<bool> _heartbeatNow = Channel.CreateBounded<bool>(new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropWrite });
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _heartbeatLoop;
    private int _disposed;

    public RocketMqProducer(RocketMqOptions options, ILogger<RocketMqProducer> logger)
        : this(new RemotingClient(options.ConnectTimeout, logger), options, logger, ownsClient: true)
    {
    }

    internal RocketMqProducer(IRemotingClient client, RocketMqOptions options, ILogger logger, bool ownsClient)
    {
        _client = client;
        _options = options;
        _logger = logger;
        _ownsClient = ownsClient;
        _routes = new TopicRouteCache(client, options, logger);
        _clientId = UniqueIdGenerator.LocalIp() + "@" + (options.InstanceName is { } name ? name + "#producer"
            : $"{Environment.ProcessId}#p{Interlocked.Increment(ref s_instanceCounter)}#{Environment.TickCount64}");
        _heartbeatLoop = Task.Run(HeartbeatLoopAsync);
    }

    public async Task<BrokerSendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        if (message.Body.Length > RemotingLimits.MaxMessageBodyLength)
        {
            throw new RocketMqProtocolException($"Message body of {message.Body.Length} bytes exceeds {RemotingLimits.MaxMessageBodyLength}.");
        }
        var (route, queues) = await GetPublishQueuesAsync(message.Topic, cancellationToken).ConfigureAwait(false);
        var uniqKey = UniqueIdGenerator.Next();
        var properties = MessageProperties.Encode(
        [
            new(MessageProperties.UniqKey, uniqKey),
            new(MessageProperties.Wait, "true"),
            new(MessageProperties.Tags, message.Tags),
            new(MessageProperties.Keys, message.Keys),
            .. message.Properties ?? [],
        ]);
        if (Encoding.UTF8.GetByteCount(properties) > RemotingLimits.MaxPropertiesLength)
        {
            // The broker would answer MESSAGE_ILLEGAL "msg properties length limit 32KB".
            throw new RocketMqProtocolException($"Message properties exceed {RemotingLimits.MaxPropertiesLength} UTF-8 bytes.");
        }
        var queue = queues[StableHash.Bucket(message.ShardingKey, queues.Count)];
        var address = route.MasterAddress(queue.BrokerName)!;
        RocketMqProtocolException? last = null;
        for (var attempt = 0; attempt <= _options.SendRetries; attempt++)
        {
            try
            {
                var response = await _client.InvokeAsync(address, BuildRequest(message, queue, properties), _options.SendTimeout, cancellationToken).ConfigureAwait(false);
                if (IsStored(response.Code))
                {
                    if (_brokers.TryAdd(address, true))
                    {
                        _heartbeatNow.Writer.TryWrite(true);
                    }
                    return new BrokerSendResult(
                        uniqKey,
                        response.GetExt("msgId"),
                        new MessageQueue(message.Topic, queue.BrokerName, int.Parse(response.GetExt("queueId") ?? queue.QueueId.ToString(CultureInfo.InvariantCulture), CultureInfo.InvariantCulture)),
                        long.Parse(response.GetExt("queueOffset") ?? "-1", CultureInfo.InvariantCulture),
                        response.Code);
                }
                last = new RocketMqProtocolException($"Broker {queue.BrokerName} refused the send: {response.Code} {response.Remark}", response.Code);
                if (!IsRetryable(response.Code))
                {
                    throw last;
                }
            }
            catch (RocketMqProtocolException e) when (e.IsTransport)
            {
                // A timeout may still have stored the message: the retry on the same queue can leave a second
                // copy right behind the first, which the idempotent consumer absorbs; another queue could not.
                last = e;
            }
            RocketMqLog.SendAttemptFailed(_logger, message.Topic, $"{queue.BrokerName}#{queue.QueueId}", attempt + 1, last.Message);
        }
        throw last!;
    }

    /// <summary>
    /// Readiness (used by <c>/health/ready</c>): the topic's route (or TBW102's, for a topic still to be created)
    /// and a heartbeat answered by its master brokers. All answer: healthy; some: degraded (chats on the others
    /// fail); none: unhealthy.
    /// </summary>
    public async Task<(ProbeStatus Status, string Description)> ProbeAsync(CancellationToken cancellationToken)
    {
        TopicRouteData? route;
        var nameServerDown = false;
        try
        {
            route = await _routes.RefreshAsync(_options.Topic, cancellationToken).ConfigureAwait(false)
                ?? await _routes.RefreshAsync(DefaultTopic, cancellationToken).ConfigureAwait(false);
        }
        catch (RocketMqProtocolException)
        {
            nameServerDown = true;
            route = await CachedRouteAsync(cancellationToken).ConfigureAwait(false);
        }
        if (route is null)
        {
            return (ProbeStatus.Unhealthy, nameServerDown ? "NameServer unreachable and no route cached" : $"no route for {_options.Topic} and auto-create is off");
        }
        var masters = route.BrokerDatas.Select(b => b.BrokerAddrs.GetValueOrDefault(0)).OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var results = await Task.WhenAll(masters.Select(a => HeartbeatAsync(a, cancellationToken))).ConfigureAwait(false);
        var up = results.Count(ok => ok);
        if (up == 0)
        {
            return (ProbeStatus.Unhealthy, $"no broker of {masters.Count} answers");
        }
        if (up < masters.Count || nameServerDown)
        {
            return (ProbeStatus.Degraded, $"{up} of {masters.Count} brokers answer" + (nameServerDown ? "; NameServer unreachable" : ""));
        }
        return (ProbeStatus.Healthy, $"{up} brokers answer");
    }

    private async Task<TopicRouteData?> CachedRouteAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await _routes.GetAsync(_options.Topic, cancellationToken).ConfigureAwait(false);
        }
        catch (RocketMqProtocolException)
        {
            return null;
        }
    }

    private async Task HeartbeatLoopAsync()
    {
        using var timer = new PeriodicTimer(_options.HeartbeatInterval);
        var tick = timer.WaitForNextTickAsync(_stop.Token).AsTask();
        // One wait of each kind at a time: a new one only after the old one completed.
        var signal = _heartbeatNow.Reader.WaitToReadAsync(_stop.Token).AsTask();
        try
        {
            while (true)
            {
                var done = await Task.WhenAny(tick, signal).ConfigureAwait(false);
                await done.ConfigureAwait(false);
                if (done == tick)
                {
                    tick = timer.WaitForNextTickAsync(_stop.Token).AsTask();
                }
                else
                {
                    _heartbeatNow.Reader.TryRead(out _);
                    signal = _heartbeatNow.Reader.WaitToReadAsync(_stop.Token).AsTask();
                }
                foreach (var address in _brokers.Keys)
                {
                    if (!await HeartbeatAsync(address, _stop.Token).ConfigureAwait(false))
                    {
                        RocketMqLog.ProducerHeartbeatFailed(_logger, address, "no SUCCESS answer");
                    }
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task<bool> HeartbeatAsync(string address, CancellationToken cancellationToken)
    {
        var request = RemotingCommand.CreateRequest(RequestCode.HeartBeat);
        request.Version = _options.ClientVersion;
        request.Body = HeartbeatBody();
        try
        {
            var response = await _client.InvokeAsync(address, request, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
            return response.Code == ResponseCode.Success;
        }
        catch (RocketMqProtocolException)
        {
            return false;
        }
    }

    /// <summary>HeartbeatData of a producer-only client (doc §7.1): its group plus the Java inner producer group.</summary>
    private byte[] HeartbeatBody()
    {
        using var stream = new MemoryStream();
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("clientID", _clientId);
            w.WriteStartArray("consumerDataSet");
            w.WriteEndArray();
            w.WriteNumber("heartbeatFingerprint", 0);
            w.WriteStartArray("producerDataSet");
            foreach (var group in new[] { _options.ProducerGroup, InnerProducerGroup })
            {
                w.WriteStartObject();
                w.WriteString("groupName", group);
                w.WriteEndObject();
            }
            w.WriteEndArray();
            w.WriteBoolean("withoutSub", false);
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    private RemotingCommand BuildRequest(OutgoingMessage message, MessageQueue queue, string properties)
    {
        // SendMessageRequestHeaderV2: single-letter keys in the Java client's order (doc §3.1).
        var request = RemotingCommand.CreateRequest(RequestCode.SendMessageV2, new()
        {
            ["a"] = _options.ProducerGroup,
            ["b"] = message.Topic,
            ["c"] = DefaultTopic,
            ["d"] = DefaultTopicQueueNums.ToString(CultureInfo.InvariantCulture),
            ["e"] = queue.QueueId.ToString(CultureInfo.InvariantCulture),
            ["f"] = "0",
            ["g"] = (message.BornTimestamp ?? DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()).ToString(CultureInfo.InvariantCulture),
            ["h"] = "0",
            ["i"] = properties,
            ["j"] = "0",
            ["k"] = "false",
            ["m"] = "false",
            ["n"] = queue.BrokerName,
        });
        request.Version = _options.ClientVersion;
        request.Body = message.Body;
        return request;
    }

    private async Task<(TopicRouteData Route, List<MessageQueue> Queues)> GetPublishQueuesAsync(string topic, CancellationToken cancellationToken)
    {
        var route = await _routes.GetAsync(topic, cancellationToken).ConfigureAwait(false);
        List<MessageQueue> queues;
        if (route is null)
        {
            // A new topic: send through the auto-create template's brokers (doc §3.6, §9.14).
            route = await _routes.GetAsync(DefaultTopic, cancellationToken).ConfigureAwait(false)
                ?? throw new RocketMqProtocolException($"Topic {topic} has no route and auto-create ({DefaultTopic}) is off.", ResponseCode.TopicNotExist);
            queues = route.PublishQueues(topic, DefaultTopicQueueNums);
        }
        else
        {
            queues = route.PublishQueues(topic);
        }
        return queues.Count > 0
            ? (route, queues)
            : throw new RocketMqProtocolException($"Topic {topic} has no writable queue with a master broker.", ResponseCode.NoPermission);
    }

    private bool IsStored(int code) =>
        code == ResponseCode.Success ||
        (_options.AcceptFlushTimeoutAsStored && code is ResponseCode.FlushDiskTimeout or ResponseCode.FlushSlaveTimeout or ResponseCode.SlaveNotAvailable);

    private static bool IsRetryable(int code) => code is
        ResponseCode.SystemError or ResponseCode.SystemBusy or ResponseCode.ServiceNotAvailable or
        ResponseCode.NoPermission or ResponseCode.TopicNotExist;

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
        {
            return;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        await _heartbeatLoop.ConfigureAwait(false);
        // UNREGISTER_CLIENT (doc §7.1) so brokers drop us now rather than after 120 s without a heartbeat.
        using var unregister = new CancellationTokenSource(_options.RequestTimeout);
        await Task.WhenAll(_brokers.Keys.Select(a => UnregisterAsync(a, unregister.Token))).ConfigureAwait(false);
        await _routes.DisposeAsync().ConfigureAwait(false);
        if (_ownsClient)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task UnregisterAsync(string address, CancellationToken cancellationToken)
    {
        var request = RemotingCommand.CreateRequest(RequestCode.UnregisterClient, new() { ["clientID"] = _clientId, ["producerGroup"] = _options.ProducerGroup });
        request.Version = _options.ClientVersion;
        try
        {
            await _client.InvokeAsync(address, request, _options.RequestTimeout, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is RocketMqProtocolException or OperationCanceledException)
        {
            // Shutting down: the broker expires us after 120 s anyway.
        }
    }

    internal static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
