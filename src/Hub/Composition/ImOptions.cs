namespace ImSignalR.Hub.Composition;

/// <summary>The <c>Im</c> configuration section (SPEC §8). Every member is documented in appsettings.json and docs/operations.md.</summary>
public sealed class ImOptions
{
    public const string Section = "Im";

    /// <summary>0–1023, unique per node (msgId generation). Unset: 0 in embedded mode, derived in cluster mode.</summary>
    public int? NodeId { get; set; }

    /// <summary>Comma-separated parts this process runs: <c>hub</c>, <c>sweeper</c>, <c>consumer</c>.</summary>
    public string Roles { get; set; } = "hub,sweeper,consumer";

    public StoreOptions Store { get; set; } = new();

    public RedisSettings Redis { get; set; } = new();

    public RocketMqSettings RocketMq { get; set; } = new();

    public AuthSettings Auth { get; set; } = new();

    public LimitSettings Limits { get; set; } = new();

    public RetrySettings Retry { get; set; } = new();

    public FaultSettings Faults { get; set; } = new();

    public ModerationSettings Moderation { get; set; } = new();

    public MessagingSettings Messaging { get; set; } = new();

    /// <summary>Embedded mode: no Redis and no RocketMQ — one node, in-process state, dev tokens on by default.</summary>
    public bool IsEmbedded => !HasRedis && !HasRocketMq;

    public bool HasRedis => !string.IsNullOrWhiteSpace(Redis.Configuration);

    public bool HasRocketMq => !string.IsNullOrWhiteSpace(RocketMq.NameServer);

    public bool HasRole(string role) =>
        Roles.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Contains(role, StringComparer.OrdinalIgnoreCase);
}

public sealed class StoreOptions
{
    /// <summary><c>Sqlite</c> or <c>MySql</c>.</summary>
    public string Provider { get; set; } = "Sqlite";

    public string ConnectionString { get; set; } = "Data Source=./data/im.db";
}

public sealed class RedisSettings
{
    /// <summary>
    /// A StackExchange.Redis configuration string: <c>127.0.0.1:6379,password=…</c>, or the seed nodes of a Redis
    /// Cluster. Set: Redis backplane and cluster state; unset: in-process.
    /// </summary>
    public string? Configuration { get; set; }

    /// <summary>Prefix of every key and backplane channel, so two deployments can share one Redis (SPEC §8).</summary>
    public string Prefix { get; set; } = "im";

    /// <summary>Per-command timeout; a command without a reply by then fails as IM_STATE_UNAVAILABLE (retriable).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);
}

public sealed class RocketMqSettings
{
    /// <summary>e.g. <c>127.0.0.1:9876</c>. Set: RocketMQ message log; unset: direct writes to the store.</summary>
    public string? NameServer { get; set; }

    public string Topic { get; set; } = "XZLL_C2CMSG_TOPIC";

    public string ProducerGroup { get; set; } = "im-signalr-producer";

    public string ConsumerGroup { get; set; } = "im-signalr-persist";
}

public sealed class AuthSettings
{
    /// <summary>The development key. Accepted only in embedded mode; a cluster node refuses to start with it.</summary>
    public const string DevSigningKey = "imsignalr-development-signing-key-change-me-0123456789";

    /// <summary>HS256 key, at least 32 bytes.</summary>
    public string SigningKey { get; set; } = DevSigningKey;

    public string Issuer { get; set; } = "imsignalr";

    public string Audience { get; set; } = "imsignalr";

    /// <summary><c>POST /api/dev/token</c>. Unset: on in embedded mode, off otherwise.</summary>
    public bool? DevTokens { get; set; }

    /// <summary>Lifetime of dev tokens.</summary>
    public TimeSpan DevTokenLifetime { get; set; } = TimeSpan.FromHours(12);

    /// <summary>Clock skew tolerated on <c>exp</c>/<c>nbf</c>.</summary>
    public TimeSpan ClockSkew { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class LimitSettings
{
    public int MaxContentBytes { get; set; } = 8 * 1024;
    public int MaxExtBytes { get; set; } = 2 * 1024;
    public int SendsPerSecond { get; set; } = 20;
    public int SendBurst { get; set; } = 40;
    public int MaxConnectionsPerUser { get; set; } = 5;
    public int MaxPageSize { get; set; } = 200;
    public int DefaultPageSize { get; set; } = 50;
    public int MaxAckIds { get; set; } = 200;
    /// <summary>Largest hub message a client may send (SignalR <c>MaximumReceiveMessageSize</c>).</summary>
    public int MaxHubMessageBytes { get; set; } = 32 * 1024;
    /// <summary>Largest REST request body.</summary>
    public int MaxRequestBodyBytes { get; set; } = 64 * 1024;
    /// <summary>Hub invocations one connection may have running at once.</summary>
    public int MaxParallelInvocationsPerClient { get; set; } = 4;
    /// <summary>
    /// A connection that sends nothing (not even a ping) for this long is closed (SignalR
    /// <c>ClientTimeoutInterval</c>), from the handshake on. Clients ping every 15 s by default.
    /// </summary>
    public TimeSpan ClientTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

public sealed class RetrySettings
{
    /// <summary>Replay delays, comma-separated seconds. The count is the replay budget.</summary>
    public string DelaysSeconds { get; set; } = "5,15,30,60";

    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(1);

    public TimeSpan Lease { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan DedupeWindow { get; set; } = TimeSpan.FromHours(24);
}

/// <summary>Fault injection for the failure suite; everything off by default. Never set it in production.</summary>
public sealed class FaultSettings
{
    /// <summary>
    /// A send whose clientMsgId starts with this kills the node (SIGKILL) right after the message is durable, before
    /// its dedupe record, result and push: the crash the failure suite proves harmless. At least 8 characters.
    /// </summary>
    public string? KillAfterCommitClientMsgIdPrefix { get; set; }
}

public sealed class MessagingSettings
{
    /// <summary>How long after sending its sender can recall a message (SPEC §11).</summary>
    public TimeSpan RecallWindow { get; set; } = TimeSpan.FromMinutes(2);
}

/// <summary>Content moderation of text sends (SPEC §11). Off unless a words file or a webhook is set.</summary>
public sealed class ModerationSettings
{
    /// <summary>One term a line (<c>#</c> comments); matched ignoring case and full-width/half-width; reloaded when it changes.</summary>
    public string? WordsFile { get; set; }

    /// <summary><c>reject</c> (<c>IM_CONTENT_BLOCKED</c>) or <c>mask</c> (each matched character becomes <c>*</c>).</summary>
    public string Mode { get; set; } = "reject";

    /// <summary>Optional moderation service, asked after the word list.</summary>
    public string? WebhookUrl { get; set; }

    public TimeSpan WebhookTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>What a webhook timeout or error means: true lets the send through, false refuses it.</summary>
    public bool FailOpen { get; set; } = true;

    public bool IsEnabled => !string.IsNullOrWhiteSpace(WordsFile) || !string.IsNullOrWhiteSpace(WebhookUrl);
}
