using Microsoft.Extensions.Logging;

namespace ImSignalR.Redis.Internal;

/// <summary>
/// Redis connection and cluster-state log events: ids 5000–5099. Retired with the hand-written client and
/// backplane (never reuse): 5001, 5003, 5004, 5005, 5010–5013.
/// </summary>
internal static partial class RedisLog
{
    [LoggerMessage(5000, LogLevel.Information, "Redis {ConnectionType} connection to {Endpoint} established.")]
    public static partial void Connected(ILogger logger, string connectionType, string endpoint);

    [LoggerMessage(5002, LogLevel.Warning, "Redis {ConnectionType} connection to {Endpoint} failed ({FailureType}); reconnecting in the background.")]
    public static partial void ConnectionBroken(ILogger logger, string connectionType, string endpoint, string failureType, Exception? error);

    [LoggerMessage(5020, LogLevel.Warning, "Presence refresh for node {NodeId} failed.")]
    public static partial void LeaseRefreshFailed(ILogger logger, string nodeId, Exception error);

    [LoggerMessage(5021, LogLevel.Information, "Redis connection restored: node {NodeId} registered its {Count} connections again.")]
    public static partial void PresenceReRegistered(ILogger logger, string nodeId, int count);

    [LoggerMessage(5024, LogLevel.Information, "Presence: node {Node} was dead; its connections were removed and {Left} users announced as left.")]
    public static partial void PresenceNodeReaped(ILogger logger, string node, int left);

    [LoggerMessage(5025, LogLevel.Warning, "Presence: this node was taken for dead as {Instance} (it stalled past its lease); it registers its connections again as {Fresh}.")]
    public static partial void PresenceTakenForDead(ILogger logger, string instance, string fresh);

    [LoggerMessage(5026, LogLevel.Warning, "Im:NodeId {NodeId} is held by {Holder}; waiting up to {TtlMs} ms for that lease to run out (a node that stopped without releasing it).")]
    public static partial void NodeIdWaiting(ILogger logger, int nodeId, string holder, long ttlMs);

    [LoggerMessage(5027, LogLevel.Warning, "The derived node id {Preferred} is held by another live node; this node uses {NodeId}.")]
    public static partial void NodeIdMoved(ILogger logger, int preferred, int nodeId);

    [LoggerMessage(5028, LogLevel.Warning, "Redis is unreachable at start: node id {NodeId} is used without checking that no other node holds it; it is claimed once Redis is back.")]
    public static partial void NodeIdUnchecked(ILogger logger, int nodeId, Exception exception);

    [LoggerMessage(5029, LogLevel.Critical, "Node id {NodeId} is now held by another process (this node's lease lapsed): both mint msgIds from one id. Give every node its own Im:NodeId and restart this one.")]
    public static partial void NodeIdLost(ILogger logger, int nodeId);
}
