namespace ImSignalR.IntegrationTests.RocketMq.Double;

/// <summary>Which Apache line the double imitates where 4.9.x and 5.x differ (protocol doc, "Broker behaviours").</summary>
public enum BrokerFlavour
{
    /// <summary>
    /// 5.x: QUERY_CONSUMER_OFFSET of a new group answers QUERY_NOT_FOUND on an empty queue; an operator reset is
    /// applied broker-side (the next pull answers PULL_OFFSET_MOVED, offset updates are ignored until then);
    /// standard route JSON for clients that ask for it (version ≥ 401 or acceptStandardJsonOnly).
    /// </summary>
    V5,

    /// <summary>
    /// 4.9.3: QUERY_CONSUMER_OFFSET of a new group answers SUCCESS 0 on a young queue; an operator reset needs a
    /// committed offset on every write queue and is pushed to the consumers as RESET_CONSUMER_CLIENT_OFFSET (220);
    /// the NameServer always writes bare integer keys in route JSON.
    /// </summary>
    V4_9,
}
