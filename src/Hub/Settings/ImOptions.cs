namespace ImSignalR.Hub.Settings;

/// <summary>
/// The Hub's part of the <c>Im</c> configuration section (SPEC §8). Every member is documented in appsettings.json and
/// docs/operations.md. <c>Im:Store</c>, <c>Im:Redis</c> and <c>Im:RocketMq</c> belong to their adapters, which bind them
/// (<c>AddImStorage</c>, <c>AddImRedis</c>, <c>AddImRocketMq</c>); <c>ImTopology</c> says which are configured. This
/// namespace depends on nothing in the Hub, so every part reads its settings without depending on Composition.
/// </summary>
public sealed class ImOptions
{
    public const string Section = "Im";

    /// <summary>0–1023, unique per node (msgId generation). Unset: 0 in embedded mode, derived in cluster mode.</summary>
    public int? NodeId { get; set; }

    /// <summary>Comma-separated parts this process runs: <c>hub</c>, <c>sweeper</c>, <c>consumer</c>.</summary>
    public string Roles { get; set; } = "hub,sweeper,consumer";

    public AuthSettings Auth { get; set; } = new();

    public LimitSettings Limits { get; set; } = new();

    public RetrySettings Retry { get; set; } = new();

    public FaultSettings Faults { get; set; } = new();

    public ModerationSettings Moderation { get; set; } = new();

    public MessagingSettings Messaging { get; set; } = new();

    public bool HasRole(string role) =>
        Roles.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Contains(role, StringComparer.OrdinalIgnoreCase);
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

    /// <summary>Most retry entries one sweep claims.</summary>
    public int ClaimBatch { get; set; } = 500;

    /// <summary>How long a send in progress holds its dedupe key; bounds how long a crashed node's send blocks a resend.</summary>
    public TimeSpan DedupePendingTtl { get; set; } = TimeSpan.FromSeconds(30);
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
