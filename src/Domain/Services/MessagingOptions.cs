namespace ImSignalR.Domain.Services;

/// <summary>Limits and timings of the messaging services (SPEC §8). Bound from <c>Im:Limits</c>, <c>Im:Retry</c>, <c>Im:Dedupe</c>.</summary>
public sealed class MessagingOptions
{
    /// <summary>Largest <c>content</c>, in UTF-8 bytes.</summary>
    public int MaxContentBytes { get; set; } = 8 * 1024;

    /// <summary>Largest <c>ext</c>, in UTF-8 bytes.</summary>
    public int MaxExtBytes { get; set; } = 2 * 1024;

    /// <summary>Largest page for <c>SyncMessages</c>/<c>GetHistory</c>/REST.</summary>
    public int MaxPageSize { get; set; } = 200;

    /// <summary>Page size when the caller gives none.</summary>
    public int DefaultPageSize { get; set; } = 50;

    /// <summary>Most message ids in one <c>Ack</c>.</summary>
    public int MaxAckIds { get; set; } = 200;

    /// <summary>Replay delays: the n-th replay happens this long after the previous push. Its length is the replay budget.</summary>
    public TimeSpan[] RetryDelays { get; set; } = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60)];

    /// <summary>How long a sweeper owns claimed entries; a sweeper that dies gives them back after this.</summary>
    public TimeSpan RetryLease { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// How long after its send a retry entry whose message the store does not have is kept: past it the send is taken
    /// to have failed after scheduling its replay (or, with RocketMQ, the consumer to be that far behind).
    /// </summary>
    public TimeSpan RetryUnconfirmedGrace { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Most entries claimed per sweep.</summary>
    public int RetryClaimBatch { get; set; } = 500;

    /// <summary>How long <c>(fromUserId, clientMsgId)</c> answers a resend with the first result (G2).</summary>
    public TimeSpan DedupeWindow { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a send in progress holds its dedupe key; bounds how long a crashed node's send blocks a retry.</summary>
    public TimeSpan DedupePendingTtl { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long after sending its sender can recall a message (SPEC §11).</summary>
    public TimeSpan RecallWindow { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>
    /// True when the message log writes straight into the store (no RocketMQ): then the store's unique keys decide
    /// duplicates and seqs at the append itself, so a send needs no cluster state to be correct. A dedupe key whose
    /// holder is gone is resolved from the store, and sends go on while Redis is away (issue 14).
    /// </summary>
    public bool StoreIsTheLog { get; set; }

    /// <summary>
    /// Fault injection for tests, null (off) by default: called after a send is durable and before its dedupe
    /// record, result and push. The failure suite sets it to kill the process there.
    /// </summary>
    public Action<Messaging.ChatMessage>? AfterCommitFault { get; set; }
}
