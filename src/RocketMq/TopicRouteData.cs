namespace ImSignalR.RocketMq;

/// <summary>The NameServer's route of a topic (doc §4.2; <c>RP/route/TopicRouteData.java</c>).</summary>
internal sealed record TopicRouteData(IReadOnlyList<QueueData> QueueDatas, IReadOnlyList<BrokerData> BrokerDatas, string? OrderTopicConf)
{
    public const int PermRead = 4;
    public const int PermWrite = 2;

    /// <summary>
    /// Publish queues (doc §3.4): QueueData sorted by brokerName, writable, with a master (id 0);
    /// <paramref name="clampQueues"/> applies the TBW102 fallback's <c>min(4, readQueueNums)</c>.
    /// </summary>
    public List<MessageQueue> PublishQueues(string topic, int? clampQueues = null)
    {
        var queues = new List<MessageQueue>();
        foreach (var q in QueueDatas.OrderBy(q => q.BrokerName, StringComparer.Ordinal))
        {
            if ((q.Perm & PermWrite) == 0 || MasterAddress(q.BrokerName) is null)
            {
                continue;
            }
            var count = clampQueues is { } clamp ? Math.Min(clamp, q.ReadQueueNums) : q.WriteQueueNums;
            for (var i = 0; i < count; i++)
            {
                queues.Add(new MessageQueue(topic, q.BrokerName, i));
            }
        }
        return queues;
    }

    /// <summary>
    /// The queue of <paramref name="shardingKey"/> (a chatId): <c>publishQueues[hash % n]</c>. The producer and the
    /// read-your-writes barrier both call this, so they cannot disagree on where a chat's events are.
    /// </summary>
    public MessageQueue ShardingQueue(string topic, string shardingKey)
    {
        var queues = PublishQueues(topic);
        return queues.Count > 0
            ? queues[Internal.StableHash.Bucket(shardingKey, queues.Count)]
            : throw new Remoting.RocketMqProtocolException($"Topic {topic} has no writable queue with a master broker.", Remoting.ResponseCode.NoPermission);
    }

    /// <summary>Subscribe queues (doc §3.4): readQueueNums per readable QueueData, sorted.</summary>
    public List<MessageQueue> SubscribeQueues(string topic)
    {
        var queues = new List<MessageQueue>();
        foreach (var q in QueueDatas)
        {
            if ((q.Perm & PermRead) == 0)
            {
                continue;
            }
            for (var i = 0; i < q.ReadQueueNums; i++)
            {
                queues.Add(new MessageQueue(topic, q.BrokerName, i));
            }
        }
        queues.Sort();
        return queues;
    }

    public string? MasterAddress(string brokerName) =>
        BrokerDatas.FirstOrDefault(b => b.BrokerName == brokerName)?.BrokerAddrs.GetValueOrDefault(0);

    public IEnumerable<string> AllBrokerAddresses() => BrokerDatas.SelectMany(b => b.BrokerAddrs.Values).Distinct(StringComparer.Ordinal);
}

internal sealed record QueueData(string BrokerName, int ReadQueueNums, int WriteQueueNums, int Perm);

/// <param name="BrokerAddrs">brokerId → "ip:port"; 0 is the master.</param>
internal sealed record BrokerData(string Cluster, string BrokerName, IReadOnlyDictionary<long, string> BrokerAddrs);
