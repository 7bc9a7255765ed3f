using System.Globalization;
using System.Text;
using ImSignalR.RocketMq.Remoting;

namespace ImSignalR.IntegrationTests.RocketMq.Double;

/// <summary>
/// An in-process NameServer plus brokers (<c>broker-a</c>, <c>broker-b</c>, …) on loopback TCP, speaking the
/// remoting protocol as the real servers do (protocol doc §10). See README.md for what it does not model.
/// </summary>
internal sealed class RocketMqDouble : IAsyncDisposable
{
    private readonly DoubleServer _nameServer;

    private RocketMqDouble(int brokers, ReplySerialization replySerialization, BrokerFlavour flavour)
    {
        Flavour = flavour;
        Brokers = Enumerable.Range(0, brokers).Select(i => new DoubleBroker($"broker-{(char)('a' + i)}", replySerialization, flavour)).ToList();
        _nameServer = new DoubleServer(HandleNameServerAsync, replySerialization);
    }

    public IReadOnlyList<DoubleBroker> Brokers { get; }

    public BrokerFlavour Flavour { get; }

    public string NameServerAddress => _nameServer.Address;

    private int _routeMisses;

    /// <summary>How many route lookups the NameServer answered TOPIC_NOT_EXIST.</summary>
    public int RouteMisses => Volatile.Read(ref _routeMisses);

    /// <summary>Route JSON bodies the NameServer sent, newest last (tests check the quirky form).</summary>
    public List<string> RouteBodies { get; } = [];

    public static RocketMqDouble Start(int brokers = 1, ReplySerialization replySerialization = ReplySerialization.Json,
        BrokerFlavour flavour = BrokerFlavour.V5, TimeSpan? holdCheckPhase = null)
    {
        var d = new RocketMqDouble(brokers, replySerialization, flavour);
        foreach (var broker in d.Brokers)
        {
            broker.HoldCheckPhase = holdCheckPhase;
            broker.Start();
        }
        d._nameServer.Start();
        return d;
    }

    public DoubleBroker Broker(string name) => Brokers.Single(b => b.Name == name);

    /// <summary>UPDATE_AND_CREATE_TOPIC on every broker, as an admin would.</summary>
    public void CreateTopic(string topic, int queuesPerBroker)
    {
        foreach (var broker in Brokers)
        {
            broker.CreateTopic(topic, queuesPerBroker);
        }
    }

    public long TotalMessages(string topic) => Brokers.Sum(b => b.Messages(topic).Count);

    /// <summary><c>mqadmin resetOffsetByTime</c>: INVOKE_BROKER_TO_RESET_OFFSET on every broker hosting the topic.</summary>
    public IReadOnlyList<(string Broker, int Code, string? Remark)> ResetOffsetByTime(string group, string topic, long timestamp) =>
        Brokers.Where(b => b.Topics.ContainsKey(topic))
            .Select(b =>
            {
                var (code, remark) = b.ResetOffsetByTime(group, topic, timestamp);
                return (b.Name, code, remark);
            })
            .ToList();

    private Task<RemotingCommand?> HandleNameServerAsync(RemotingConnection connection, RemotingCommand request)
    {
        if (request.Code != RequestCode.GetRouteInfoByTopic)
        {
            return Task.FromResult<RemotingCommand?>(RemotingCommand.CreateResponse(request, ResponseCode.RequestCodeNotSupported, $"request type {request.Code} not supported"));
        }
        var topic = request.GetRequiredExt("topic");
        // Brokers keep their registration while down (a real NameServer drops them only after 120 s without one).
        var hosting = Brokers.Select(b => (Broker: b, Config: b.Topics.GetValueOrDefault(topic))).Where(x => x.Config is not null).OrderBy(x => x.Broker.Name, StringComparer.Ordinal).ToList();
        if (hosting.Count == 0)
        {
            Interlocked.Increment(ref _routeMisses);
            return Task.FromResult<RemotingCommand?>(RemotingCommand.CreateResponse(request, ResponseCode.TopicNotExist,
                $"No topic route info in name server for the topic: {topic}\nSee http://rocketmq.apache.org/docs/faq/ for further details."));
        }
        // A 4.9.3 NameServer predates the switch and always writes bare integer keys.
        var standard = Flavour == BrokerFlavour.V5 &&
            (request.Version >= 401 || string.Equals(request.GetExt("acceptStandardJsonOnly"), "true", StringComparison.OrdinalIgnoreCase));
        var json = RouteJson(hosting, standard);
        lock (RouteBodies)
        {
            RouteBodies.Add(json);
        }
        var response = RemotingCommand.CreateResponse(request, ResponseCode.Success);
        response.Body = Encoding.UTF8.GetBytes(json);
        return Task.FromResult<RemotingCommand?>(response);
    }

    /// <summary>
    /// fastjson's TopicRouteData: keys sorted, nulls omitted, and <c>brokerAddrs</c> (a HashMap&lt;Long,String&gt;) with
    /// BARE integer keys unless the client asked for standard JSON (doc §4.2, 5.2.0 capture).
    /// </summary>
    private static string RouteJson(List<(DoubleBroker Broker, TopicConfig? Config)> hosting, bool standard)
    {
        var sb = new StringBuilder("{\"brokerDatas\":[");
        sb.AppendJoin(',', hosting.Select(h =>
            $"{{\"brokerAddrs\":{{{(standard ? "\"0\"" : "0")}:\"{h.Broker.Address}\"}},\"brokerName\":\"{h.Broker.Name}\",\"cluster\":\"DefaultCluster\",\"enableActingMaster\":false}}"));
        sb.Append("],\"filterServerTable\":{},\"queueDatas\":[");
        sb.AppendJoin(',', hosting.Select(h => string.Create(CultureInfo.InvariantCulture,
            $"{{\"brokerName\":\"{h.Broker.Name}\",\"perm\":{h.Config!.Perm},\"readQueueNums\":{h.Config.ReadQueues},\"topicSysFlag\":0,\"writeQueueNums\":{h.Config.WriteQueues}}}")));
        sb.Append("]}");
        return sb.ToString();
    }

    public async ValueTask DisposeAsync()
    {
        await _nameServer.DisposeAsync();
        foreach (var broker in Brokers)
        {
            await broker.DisposeAsync();
        }
    }
}
