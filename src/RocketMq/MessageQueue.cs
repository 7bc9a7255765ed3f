namespace ImSignalR.RocketMq;

/// <summary>One queue of a topic on one broker. Ordered like Java's MessageQueue: topic, brokerName, queueId, ordinal.</summary>
// Public (issue 15) only so samples/ServiceClient can use this client without InternalsVisibleTo; not a supported API.
public readonly record struct MessageQueue(string Topic, string BrokerName, int QueueId) : IComparable<MessageQueue>
{
    public int CompareTo(MessageQueue other)
    {
        var c = string.CompareOrdinal(Topic, other.Topic);
        if (c != 0)
        {
            return c;
        }
        c = string.CompareOrdinal(BrokerName, other.BrokerName);
        return c != 0 ? c : QueueId.CompareTo(other.QueueId);
    }

    public override string ToString() => $"{Topic}@{BrokerName}#{QueueId}";
}
