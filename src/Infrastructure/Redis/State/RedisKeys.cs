namespace ImSignalR.Infrastructure.Redis.State;

/// <summary>Every key the cluster-state adapters use, in one place (prefix default <c>im:</c>).</summary>
internal sealed class RedisKeys(string prefix)
{
    /// <summary>Hash connectionId → nodeId.</summary>
    public string PresenceUser(string userId) => $"{prefix}presence:user:{userId}";

    /// <summary>String with a TTL: the node is alive while it exists.</summary>
    public string PresenceNode(string nodeId) => $"{prefix}presence:node:{nodeId}";

    public string PresenceNodePrefix => $"{prefix}presence:node:";

    /// <summary>The user id is length-prefixed so ("a:b","c") and ("a","b:c") never share a key.</summary>
    public string Dedupe(string fromUserId, string clientMsgId) => $"{prefix}dedupe:{fromUserId.Length}:{fromUserId}:{clientMsgId}";

    /// <summary>Sorted set msgId → due (Unix ms).</summary>
    public string RetryDue => $"{prefix}retry:due";

    /// <summary>Sorted set msgId → lease expiry (Unix ms).</summary>
    public string RetryLease => $"{prefix}retry:lease";

    /// <summary>Hash msgId → JSON <see cref="RetryPayload"/>.</summary>
    public string RetryPayload => $"{prefix}retry:payload";

    public string Sequence(string chatId) => $"{prefix}seq:{chatId}";

    /// <summary>Exists while the sequence counters are intact; its absence next to a non-empty store means Redis lost them.</summary>
    public string SequenceMarker => $"{prefix}seqstate:marker";

    /// <summary>Exists (with a TTL) while new counters must jump, after the counters were lost.</summary>
    public string SequenceRecovering => $"{prefix}seqstate:recovering";
}
