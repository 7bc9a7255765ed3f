using System.Globalization;
using System.Text;
using StackExchange.Redis;

namespace ImSignalR.Redis.State;

/// <summary>
/// Every key the cluster-state adapters use, in one place, all under <c>{prefix}:</c>. Redis Cluster runs a script
/// only when all its keys share a hash slot, so the keys a script touches together share a hash tag (the part in
/// braces, the only part Redis hashes): the retry queue's three keys share <c>{retry}</c>, and a chat's counter
/// shares its bucket's tag with that bucket's marker keys. Every other script touches a single key.
/// </summary>
internal sealed class RedisKeys(string prefix)
{
    /// <summary>Sequence buckets: each has its own loss marker, kept on the same node as the bucket's counters.</summary>
    internal const int SequenceBuckets = 1024;

    public string Prefix => prefix;

    /// <summary>
    /// Hash connectionId → "expiry-ms node-id connected-ms transport protocol", tagged by user so the presence
    /// scripts can also touch <see cref="PresenceJoined"/> and <see cref="LastSeen"/> (same slot).
    /// </summary>
    public RedisKey PresenceUser(string userId) => $"{prefix}:presence:{{{userId}}}";

    /// <summary>
    /// Exists from the user's announced <c>user_join</c> until their <c>user_leave</c> (SPEC §13): the scripts decide
    /// "first" and "last" by creating and deleting it, so each transition is announced once cluster-wide.
    /// </summary>
    public RedisKey PresenceJoined(string userId) => $"{prefix}:joined:{{{userId}}}";

    /// <summary>Sorted set node instance → lease expiry (Redis ms): the live presence nodes. Shares a tag with <see cref="PresenceNodesReaping"/>.</summary>
    public RedisKey PresenceNodes => $"{prefix}:{{presence-nodes}}:live";

    /// <summary>Sorted set node instance → claim expiry: dead nodes whose users a surviving node is cleaning up.</summary>
    public RedisKey PresenceNodesReaping => $"{prefix}:{{presence-nodes}}:reaping";

    /// <summary>Sorted set userId → last time (the owner's clock) the node instance held a connection of the user.</summary>
    public RedisKey PresenceNodeUsers(string nodeInstance) => $"{prefix}:presence-node:{{{nodeInstance}}}";

    /// <summary>Unix ms of the user's last disconnect (SPEC §11 presence), in the slot of the user's presence hash.</summary>
    public RedisKey LastSeen(string userId) => $"{prefix}:seen:{{{userId}}}";

    /// <summary>The lease of one msgId node id (0–1023): "host pid instance" of the node that holds it.</summary>
    public RedisKey NodeId(int id) => $"{prefix}:nodeid:{id.ToString(CultureInfo.InvariantCulture)}";

    /// <summary>The user id is length-prefixed so ("a:b","c") and ("a","b:c") never share a key.</summary>
    public RedisKey Dedupe(string fromUserId, string clientMsgId) => $"{prefix}:dedupe:{fromUserId.Length}:{fromUserId}:{clientMsgId}";

    /// <summary>Sorted set msgId → due (Unix ms).</summary>
    public RedisKey RetryDue => $"{prefix}:{{retry}}:due";

    /// <summary>Sorted set msgId → lease expiry (Unix ms).</summary>
    public RedisKey RetryLease => $"{prefix}:{{retry}}:lease";

    /// <summary>Hash msgId → JSON <see cref="RetryPayload"/>.</summary>
    public RedisKey RetryPayload => $"{prefix}:{{retry}}:payload";

    public RedisKey Sequence(string chatId) => $"{prefix}:seq:{{{SequenceBucket(chatId)}}}:{chatId}";

    /// <summary>
    /// Exists while the bucket's counters are intact; its absence next to a non-empty store means Redis lost them.
    /// Per bucket, not global: in a Redis Cluster one master can lose its data while the others keep theirs, and a
    /// marker on another master would not notice.
    /// </summary>
    public RedisKey SequenceMarker(string chatId) => $"{prefix}:seqstate:{{{SequenceBucket(chatId)}}}:marker";

    /// <summary>Exists (with a TTL) while new counters of the bucket must jump, after its counters were lost.</summary>
    public RedisKey SequenceRecovering(string chatId) => $"{prefix}:seqstate:{{{SequenceBucket(chatId)}}}:recovering";

    /// <summary>A stable bucket (FNV-1a of the UTF-8 chat id): it is part of stored key names, so it must never change.</summary>
    internal static string SequenceBucket(string chatId)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(chatId))
        {
            hash = (hash ^ b) * 16777619u;
        }
        return "s" + (hash % SequenceBuckets).ToString(CultureInfo.InvariantCulture);
    }
}
