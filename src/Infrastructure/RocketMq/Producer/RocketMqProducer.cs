using System.Globalization;
using System.Text;
using ImSignalR.Infrastructure.RocketMq.Internal;
using ImSignalR.Infrastructure.RocketMq.Remoting;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Infrastructure.RocketMq.Producer;

/// <summary>
/// SEND_MESSAGE_V2 (310) producer (doc §3). The queue is <c>publishQueues[hash(shardingKey) % n]</c> with a
/// stable hash, so a conversation stays on one queue while the route is unchanged. A retryable failure
/// (transport, SYSTEM_ERROR/BUSY, SERVICE_NOT_AVAILABLE, NO_PERMISSION, TOPIC_NOT_EXIST — the Java
/// <c>retryResponseCodes</c>) is retried on a queue of another broker when there is one.
/// </summary>
internal sealed class RocketMqProducer : IRocketMqProducer
{
    /// <summary>The auto-create template topic and queue count the Java client sends (doc §3.6).</summary>
    private const string DefaultTopic = "TBW102";
    private const int DefaultTopicQueueNums = 4;

    private readonly IRemotingClient _client;
    private readonly TopicRouteCache _routes;
    private readonly RocketMqOptions _options;
    private readonly ILogger _logger;
    private readonly bool _ownsClient;

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
    }

    public async Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
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
        ]);
        var hash = StableHash.Fnv1a(message.ShardingKey);
        string? failedBroker = null;
        RocketMqProtocolException? last = null;
        for (var attempt = 0; attempt <= _options.SendRetries; attempt++)
        {
            var candidates = failedBroker is null ? queues : queues.Where(q => q.BrokerName != failedBroker).ToList();
            if (candidates.Count == 0)
            {
                candidates = queues;
            }
            var queue = candidates[(int)(hash % (uint)candidates.Count)];
            var address = route.MasterAddress(queue.BrokerName)!;
            try
            {
                var response = await _client.InvokeAsync(address, BuildRequest(message, queue, properties), _options.SendTimeout, cancellationToken).ConfigureAwait(false);
                if (IsStored(response.Code))
                {
                    return new SendResult(
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
                last = e;
            }
            RocketMqLog.SendAttemptFailed(_logger, message.Topic, queue.BrokerName, attempt + 1, last.Message);
            failedBroker = queue.BrokerName;
        }
        throw last!;
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
            ["g"] = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
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
        await _routes.DisposeAsync().ConfigureAwait(false);
        if (_ownsClient)
        {
            await _client.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);
}
