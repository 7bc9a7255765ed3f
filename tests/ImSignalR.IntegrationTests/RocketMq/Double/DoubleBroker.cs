using System.Globalization;
using System.Text;
using System.Text.Json;
using ImSignalR.RocketMq.Remoting;

namespace ImSignalR.IntegrationTests.RocketMq.Double;

/// <summary>
/// One broker of the double (protocol doc §10): topics with per-queue logs and offsets, a growing commit-log
/// offset, long polling, consumer offsets per (group, topic, queue), group membership with
/// NOTIFY_CONSUMER_IDS_CHANGED, <c>%RETRY%group</c> / <c>%DLQ%group</c>. Data survives <see cref="StopAsync"/>
/// (a broker restart keeps its store); connections and memberships do not.
/// </summary>
internal sealed partial class DoubleBroker : IAsyncDisposable
{
    public const int DefaultTopicQueues = 8;
    private const int PermRw = 6;
    private const int PermInherit = 1;

    private readonly object _gate = new();
    private readonly Dictionary<string, TopicConfig> _topics = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Topic, int Queue), List<StoredRecord>> _queues = [];
    private readonly Dictionary<long, StoredRecord> _commitLog = [];
    private readonly Dictionary<(string Group, string Topic, int Queue), long> _consumerOffsets = [];
    private readonly Dictionary<string, Dictionary<string, RemotingConnection>> _groups = new(StringComparer.Ordinal);
    private readonly Dictionary<(string Topic, int Queue), TaskCompletionSource> _arrivals = [];
    private readonly Dictionary<(string Group, string Topic, int Queue), long> _pendingResets = [];
    private readonly Dictionary<string, Dictionary<string, RemotingConnection>> _producers = new(StringComparer.Ordinal);
    private readonly DoubleServer _server;
    private long _physicalOffset;

    public DoubleBroker(string name, ReplySerialization replySerialization, BrokerFlavour flavour = BrokerFlavour.V5)
    {
        Name = name;
        Flavour = flavour;
        _server = new DoubleServer(HandleAsync, replySerialization);
        _server.ConnectionClosed += OnConnectionClosed;
        // autoCreateTopicEnable=true: TBW102 with 8 queues, perm 7 (doc §3.6).
        _topics["TBW102"] = new TopicConfig(DefaultTopicQueues, DefaultTopicQueues, PermRw | PermInherit);
    }

    public string Name { get; }

    public BrokerFlavour Flavour { get; }

    public string Address => _server.Address;

    public bool IsRunning => _server.IsRunning;

    /// <summary>How many requests with a given code reached this broker (tests look at retries and pulls).</summary>
    public Dictionary<int, int> RequestCounts { get; } = [];

    /// <summary>The next this many sends are stored but answered only after <see cref="SendReplyDelay"/> (a slow broker).</summary>
    public int DelayedSends { get; set; }

    public TimeSpan SendReplyDelay { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Set to make every send fail with this code (e.g. SYSTEM_BUSY) until cleared.</summary>
    public int? FailSendsWith { get; set; }

    /// <summary>Until this time GET_CONSUMER_LIST_BY_GROUP answers SYSTEM_BUSY (a broker too busy to list members).</summary>
    public DateTime BusyConsumerListUntil { get; set; }

    public void Start()
    {
        _server.Start();
        StartHoldService();
    }

    public async Task StopAsync()
    {
        await _server.StopAsync();
        await StopHoldServiceAsync();
    }

    public IReadOnlyDictionary<string, TopicConfig> Topics
    {
        get
        {
            lock (_gate)
            {
                return new Dictionary<string, TopicConfig>(_topics);
            }
        }
    }

    public void CreateTopic(string topic, int queues, int perm = PermRw)
    {
        lock (_gate)
        {
            _topics[topic] = new TopicConfig(queues, queues, perm);
        }
    }

    public long MaxOffset(string topic, int queue)
    {
        lock (_gate)
        {
            return _queues.TryGetValue((topic, queue), out var log) ? log.Count : 0;
        }
    }

    public IReadOnlyList<StoredRecord> Messages(string topic)
    {
        lock (_gate)
        {
            return _queues.Where(q => q.Key.Topic == topic).SelectMany(q => q.Value).ToList();
        }
    }

    public long? CommittedOffset(string group, string topic, int queue)
    {
        lock (_gate)
        {
            return _consumerOffsets.TryGetValue((group, topic, queue), out var offset) ? offset : null;
        }
    }

    /// <summary>Client ids that heartbeat as producers of <paramref name="group"/>.</summary>
    public IReadOnlyList<string> ProducerMembers(string group)
    {
        lock (_gate)
        {
            return _producers.TryGetValue(group, out var members) ? [.. members.Keys] : [];
        }
    }

    public IReadOnlyList<string> Members(string group)
    {
        lock (_gate)
        {
            return _groups.TryGetValue(group, out var members) ? [.. members.Keys] : [];
        }
    }

    private async Task<RemotingCommand?> HandleAsync(RemotingConnection connection, RemotingCommand request)
    {
        lock (_gate)
        {
            RequestCounts[request.Code] = RequestCounts.GetValueOrDefault(request.Code) + 1;
        }
        return request.Code switch
        {
            RequestCode.SendMessage or RequestCode.SendMessageV2 => await SendAsync(connection, request),
            RequestCode.PullMessage => await PullAsync(request),
            RequestCode.QueryConsumerOffset => QueryOffset(request),
            RequestCode.UpdateConsumerOffset => UpdateOffset(request),
            RequestCode.GetMaxOffset => OffsetReply(request, MaxOffset(request.GetRequiredExt("topic"), Int(request, "queueId"))),
            RequestCode.GetMinOffset => OffsetReply(request, 0),
            RequestCode.HeartBeat => Heartbeat(connection, request),
            RequestCode.UnregisterClient => Unregister(request),
            RequestCode.GetConsumerListByGroup => ConsumerList(request),
            RequestCode.ConsumerSendMsgBack => SendBack(request),
            RequestCode.UpdateAndCreateTopic => CreateTopicFromHeader(request),
            RequestCode.InvokeBrokerToResetOffset => ResetOffset(request),
            _ => RemotingCommand.CreateResponse(request, ResponseCode.RequestCodeNotSupported, $"request type {request.Code} not supported"),
        };
    }

    private async Task<RemotingCommand> SendAsync(RemotingConnection connection, RemotingCommand request)
    {
        var response = Send(connection, request);
        bool delay;
        lock (_gate)
        {
            delay = DelayedSends > 0;
            if (delay)
            {
                DelayedSends--;
            }
        }
        if (delay)
        {
            await Task.Delay(SendReplyDelay);
        }
        return response;
    }

    private RemotingCommand Send(RemotingConnection connection, RemotingCommand request)
    {
        var v2 = request.Code == RequestCode.SendMessageV2;
        string H(string v2Key, string v1Key) => request.GetRequiredExt(v2 ? v2Key : v1Key);
        var response = RemotingCommand.CreateResponse(request, ResponseCode.Success);
        response.ExtFields = new() { ["MSG_REGION"] = "DefaultRegion", ["TRACE_ON"] = "true" };
        if (FailSendsWith is { } failure)
        {
            response.Code = failure;
            response.Remark = "[TEST] configured failure";
            return response;
        }
        var topic = H("b", "topic");
        if (topic.Length > 127 || !topic.All(c => char.IsAsciiLetterOrDigit(c) || c is '%' or '|' or '_' or '-'))
        {
            response.Code = ResponseCode.InvalidParameter;
            response.Remark = $"The specified topic[{topic}] contains illegal characters";
            return response;
        }
        var properties = ParseProperties(request.GetExt(v2 ? "i" : "properties"));
        lock (_gate)
        {
            if (!_topics.TryGetValue(topic, out var config))
            {
                var template = _topics.GetValueOrDefault(H("c", "defaultTopic"));
                if (template is null || (template.Perm & PermInherit) == 0)
                {
                    response.Code = ResponseCode.TopicNotExist;
                    response.Remark = $"topic[{topic}] not exist, apply first please!";
                    return response;
                }
                var n = Math.Min(int.Parse(H("d", "defaultTopicQueueNums"), CultureInfo.InvariantCulture), template.WriteQueues);
                config = _topics[topic] = new TopicConfig(n, n, template.Perm & ~PermInherit);
            }
            var queueId = int.Parse(H("e", "queueId"), CultureInfo.InvariantCulture);
            if (queueId < 0)
            {
                queueId = Random.Shared.Next(config.WriteQueues);
            }
            if (queueId >= Math.Max(config.ReadQueues, config.WriteQueues))
            {
                response.Code = ResponseCode.InvalidParameter;
                response.Remark = $"request queueId[{queueId}] is illegal";
                return response;
            }
            if (!properties.ContainsKey("UNIQ_KEY"))
            {
                properties["UNIQ_KEY"] = Guid.NewGuid().ToString("N").ToUpperInvariant();
            }
            properties["CLUSTER"] = "DefaultCluster";
            var record = Store(topic, queueId, request.Body.ToArray(), properties,
                int.Parse(H("h", "flag"), CultureInfo.InvariantCulture),
                int.Parse(H("f", "sysFlag"), CultureInfo.InvariantCulture),
                long.Parse(H("g", "bornTimestamp"), CultureInfo.InvariantCulture),
                int.Parse(request.GetExt(v2 ? "j" : "reconsumeTimes") ?? "0", CultureInfo.InvariantCulture));
            // Field order as captured from a 5.2.0 broker (protocol doc §1.1).
            response.ExtFields = new()
            {
                ["queueId"] = Str(queueId),
                ["transactionId"] = properties["UNIQ_KEY"],
                ["msgId"] = record.OffsetMsgId,
                ["TRACE_ON"] = "true",
                ["MSG_REGION"] = "DefaultRegion",
                ["queueOffset"] = Str(record.QueueOffset),
            };
            return response;
        }
    }

    /// <summary>Appends to the queue and commit log and wakes held pulls. Caller holds <see cref="_gate"/>.</summary>
    private StoredRecord Store(string topic, int queueId, byte[] body, Dictionary<string, string> properties, int flag, int sysFlag, long born, int reconsumeTimes)
    {
        if (!_queues.TryGetValue((topic, queueId), out var log))
        {
            log = _queues[(topic, queueId)] = [];
        }
        var record = new StoredRecord
        {
            Topic = topic, QueueId = queueId, QueueOffset = log.Count, PhysicalOffset = _physicalOffset,
            Body = body, Properties = properties, Flag = flag, SysFlag = sysFlag & ~0x30, BornTimestamp = born,
            ReconsumeTimes = reconsumeTimes, StorePort = _server.Port,
        };
        _physicalOffset += record.Encode().Length;
        log.Add(record);
        _commitLog[record.PhysicalOffset] = record;
        if (_arrivals.Remove((topic, queueId), out var arrival))
        {
            arrival.TrySetResult();
        }
        return record;
    }

    private RemotingCommand QueryOffset(RemotingCommand request)
    {
        var key = (request.GetRequiredExt("consumerGroup"), request.GetRequiredExt("topic"), Int(request, "queueId"));
        lock (_gate)
        {
            if (_consumerOffsets.TryGetValue(key, out var offset))
            {
                return OffsetReply(request, offset);
            }
            // First-boot rule (doc §7.3). 4.9.x: min offset 0 and message 0 not yet on disk (always so here, the
            // store is memory only) → 0, empty queues included. 5.x: only when message 0 is still in memory.
            if (Flavour == BrokerFlavour.V4_9)
            {
                return OffsetReply(request, 0);
            }
            if (request.GetExt("setZeroIfNotFound") != "false" && _queues.ContainsKey((key.Item2, key.Item3)))
            {
                return OffsetReply(request, 0);
            }
        }
        return RemotingCommand.CreateResponse(request, ResponseCode.QueryNotFound, "Not found, maybe this group consumer boot first");
    }

    private RemotingCommand UpdateOffset(RemotingCommand request)
    {
        var key = (request.GetRequiredExt("consumerGroup"), request.GetRequiredExt("topic"), Int(request, "queueId"));
        lock (_gate)
        {
            // 5.x: while a broker-side reset waits for the consumer's next pull, its commits are ignored.
            if (!_pendingResets.ContainsKey(key))
            {
                _consumerOffsets[key] = request.GetRequiredLong("commitOffset");
            }
        }
        return RemotingCommand.CreateResponse(request, ResponseCode.Success);
    }

    private RemotingCommand SendBack(RemotingCommand request)
    {
        var group = request.GetRequiredExt("group");
        var delayLevel = Int(request, "delayLevel");
        var maxReconsume = request.GetExt("maxReconsumeTimes") is { } m ? int.Parse(m, CultureInfo.InvariantCulture) : 16;
        lock (_gate)
        {
            if (!_commitLog.TryGetValue(request.GetRequiredLong("offset"), out var original))
            {
                return RemotingCommand.CreateResponse(request, ResponseCode.SystemError, "look message by offset failed, " + request.GetExt("offset"));
            }
            var properties = new Dictionary<string, string>(original.Properties, StringComparer.Ordinal);
            properties.TryAdd("RETRY_TOPIC", original.Topic);
            properties.TryAdd("ORIGIN_MESSAGE_ID", request.GetExt("originMsgId") ?? original.OffsetMsgId);
            var dlq = original.ReconsumeTimes >= maxReconsume || delayLevel < 0;
            var target = (dlq ? "%DLQ%" : "%RETRY%") + group;
            _topics.TryAdd(target, new TopicConfig(1, 1, PermRw));
            // Delay levels are not modelled: the copy is visible at once (see README).
            Store(target, 0, original.Body, properties, original.Flag, original.SysFlag, original.BornTimestamp, original.ReconsumeTimes + 1);
        }
        return RemotingCommand.CreateResponse(request, ResponseCode.Success);
    }

    private RemotingCommand CreateTopicFromHeader(RemotingCommand request)
    {
        lock (_gate)
        {
            _topics[request.GetRequiredExt("topic")] = new TopicConfig(Int(request, "readQueueNums"), Int(request, "writeQueueNums"), Int(request, "perm"));
        }
        return RemotingCommand.CreateResponse(request, ResponseCode.Success);
    }

    private static RemotingCommand OffsetReply(RemotingCommand request, long offset)
    {
        var response = RemotingCommand.CreateResponse(request, ResponseCode.Success);
        response.ExtFields = new() { ["offset"] = Str(offset) };
        return response;
    }

    private static Dictionary<string, string> ParseProperties(string? text)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var segment in (text ?? "").Split('\u0002'))
        {
            var sep = segment.IndexOf('\u0001');
            if (segment.Length >= 3 && sep > 0 && sep < segment.Length - 1)
            {
                result[segment[..sep]] = segment[(sep + 1)..];
            }
        }
        return result;
    }

    private static int Int(RemotingCommand request, string key) => (int)request.GetRequiredLong(key);

    private static string Str(long value) => value.ToString(CultureInfo.InvariantCulture);

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    internal static byte[] Utf8(string s) => Encoding.UTF8.GetBytes(s);
}

internal sealed record TopicConfig(int ReadQueues, int WriteQueues, int Perm);
