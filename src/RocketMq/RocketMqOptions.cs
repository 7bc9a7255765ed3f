using System.ComponentModel.DataAnnotations;

namespace ImSignalR.RocketMq;

/// <summary>Settings under <c>Im:RocketMq</c> (SPEC §8).</summary>
public sealed class RocketMqOptions
{
    /// <summary>NameServer address(es), <c>host:port</c>, several separated by <c>;</c>.</summary>
    [Required]
    public string NameServer { get; set; } = "";

    [Required, RegularExpression("^[%|a-zA-Z0-9_-]{1,127}$")]
    public string Topic { get; set; } = "XZLL_C2CMSG_TOPIC";

    /// <summary>The group events' topic (SPEC §10): kept off <see cref="Topic"/> so the Java im-business there sees nothing new.</summary>
    [Required, RegularExpression("^[%|a-zA-Z0-9_-]{1,127}$")]
    public string GroupTopic { get; set; } = "IM_GROUP_MSG_TOPIC";

    /// <summary>
    /// The persistence consumer's group on <see cref="GroupTopic"/>. Not <see cref="ConsumerGroup"/>: a broker keeps one
    /// subscription set per group and every member of a group must subscribe to the same topics; this client runs one
    /// consumer per topic, so two topics in one group would make each heartbeat replace the other's subscription.
    /// </summary>
    [Required, StringLength(120)]
    public string GroupConsumerGroup { get; set; } = "im-signalr-persist-group";

    /// <summary>
    /// How long a group event's append waits, after SEND_OK, for the persistence consumer to apply it (membership
    /// is read back from the store by the next call; docs/rocketmq.md "Group topic"). Past it the append reports the
    /// event accepted (it is durable) and counts the wait as given up.
    /// </summary>
    public TimeSpan GroupApplyTimeout { get; set; } = TimeSpan.FromSeconds(5);

    [Required, StringLength(120)]
    public string ProducerGroup { get; set; } = "im-signalr-producer";

    [Required, StringLength(120)]
    public string ConsumerGroup { get; set; } = "im-signalr-persist";

    /// <summary>Client request timeout (Java <c>mqClientApiTimeout</c>, 3 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(3);

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Send timeout per attempt (Java 3 s).</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Extra attempts after a retryable failure or a timeout, always on the SAME queue: the queue is what keeps one
    /// chat in order (the Java ordered send, <c>sendSelectImpl</c>, never moves to another queue either).
    /// </summary>
    [Range(0, 10)]
    public int SendRetries { get; set; } = 2;

    /// <summary>
    /// Count FLUSH_DISK_TIMEOUT / FLUSH_SLAVE_TIMEOUT / SLAVE_NOT_AVAILABLE (stored, less durable than asked) as success.
    /// Off by default: SPEC G1 makes only SEND_OK durable.
    /// </summary>
    public bool AcceptFlushTimeoutAsStored { get; set; }

    /// <summary>Route refresh interval (Java <c>pollNameServerInterval</c> 30 s).</summary>
    public TimeSpan RouteRefreshInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Heartbeat interval to brokers (Java 30 s; brokers expire a client after 120 s).</summary>
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Periodic rebalance (Java 20 s); NOTIFY_CONSUMER_IDS_CHANGED triggers one at once.</summary>
    public TimeSpan RebalanceInterval { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Long-poll hold asked of the broker (Java 15 s).</summary>
    public TimeSpan PullSuspendTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// How long a pull RPC waits for its answer (Java <c>CONSUMER_TIMEOUT_MILLIS_WHEN_SUSPEND</c>, 30 s). A broker
    /// re-checks held pulls only every 5 s, so a hold of <see cref="PullSuspendTimeout"/> is answered up to 5 s
    /// late; this must exceed the hold by more than that (validated), or the consumer gives up on pulls the
    /// broker still answers and is deaf until the next one.
    /// </summary>
    public TimeSpan PullTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Messages per pull (Java <c>pullBatchSize</c> 32).</summary>
    [Range(1, 1024)]
    public int PullBatchSize { get; set; } = 32;

    /// <summary>Pause after a failed pull (Java 3 s); doubles on each further failure up to <see cref="PullErrorDelayMax"/>.</summary>
    public TimeSpan PullErrorDelay { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The longest pause between failed pulls of one queue.</summary>
    public TimeSpan PullErrorDelayMax { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How often the consumer asks again for a subscribed topic the NameServer does not know yet. A topic that is
    /// auto-created by its first send (TBW102) is then consumed within this, not at the next 20 s rebalance.
    /// </summary>
    public TimeSpan MissingTopicRetryInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// Read-your-writes: how long a SyncMessages/GetHistory/Ack read waits for the persistence consumer group to
    /// apply what was accepted before it (docs/rocketmq.md). Zero turns the wait off.
    /// </summary>
    public TimeSpan ReadYourWritesTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>The version announced in headers. ≥ 401 lets the NameServer send standard JSON routes.</summary>
    public int ClientVersion { get; set; } = Remoting.RemotingCommand.DefaultVersion;

    /// <summary>Send <c>acceptStandardJsonOnly=true</c> with route lookups (4.9.4+ NameServers honour it).</summary>
    public bool AcceptStandardJsonOnly { get; set; } = true;

    /// <summary>SPEC §13 service request/response and events topics.</summary>
    public RocketMqServiceOptions Service { get; set; } = new();

    /// <summary>Overrides the generated consumer client id (must be unique per process; doc §7.1).</summary>
    public string? InstanceName { get; set; }

    internal string[] NameServerAddresses() =>
        NameServer.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
