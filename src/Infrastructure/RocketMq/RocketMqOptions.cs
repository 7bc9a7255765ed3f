using System.ComponentModel.DataAnnotations;

namespace ImSignalR.Infrastructure.RocketMq;

/// <summary>Settings under <c>Im:RocketMq</c> (SPEC §8).</summary>
public sealed class RocketMqOptions
{
    /// <summary>NameServer address(es), <c>host:port</c>, several separated by <c>;</c>.</summary>
    [Required]
    public string NameServer { get; set; } = "";

    [Required, RegularExpression("^[%|a-zA-Z0-9_-]{1,127}$")]
    public string Topic { get; set; } = "XZLL_C2CMSG_TOPIC";

    [Required, StringLength(120)]
    public string ProducerGroup { get; set; } = "im-signalr-producer";

    [Required, StringLength(120)]
    public string ConsumerGroup { get; set; } = "im-signalr-persist";

    /// <summary>Client request timeout (Java <c>mqClientApiTimeout</c>, 3 s).</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromSeconds(3);

    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Send timeout per attempt (Java 3 s).</summary>
    public TimeSpan SendTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>Extra attempts on another broker after a retryable failure (Java <c>retryTimesWhenSendFailed</c> 2).</summary>
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

    /// <summary>Long-poll hold asked of the broker (Java 15 s). The pull RPC waits this plus <see cref="RequestTimeout"/>.</summary>
    public TimeSpan PullSuspendTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Messages per pull (Java <c>pullBatchSize</c> 32).</summary>
    [Range(1, 1024)]
    public int PullBatchSize { get; set; } = 32;

    /// <summary>Pause after a failed pull (Java 3 s).</summary>
    public TimeSpan PullErrorDelay { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>The version announced in headers. ≥ 401 lets the NameServer send standard JSON routes.</summary>
    public int ClientVersion { get; set; } = Remoting.RemotingCommand.DefaultVersion;

    /// <summary>Send <c>acceptStandardJsonOnly=true</c> with route lookups (4.9.4+ NameServers honour it).</summary>
    public bool AcceptStandardJsonOnly { get; set; } = true;

    /// <summary>Overrides the generated consumer client id (must be unique per process; doc §7.1).</summary>
    public string? InstanceName { get; set; }

    internal string[] NameServerAddresses() =>
        NameServer.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
