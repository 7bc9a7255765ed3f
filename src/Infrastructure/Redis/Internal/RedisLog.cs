using Microsoft.Extensions.Logging;

namespace ImSignalR.Infrastructure.Redis.Internal;

/// <summary>Redis client, backplane and cluster-state log events: ids 5000–5099.</summary>
internal static partial class RedisLog
{
    [LoggerMessage(5000, LogLevel.Information, "Redis {Role} connection to {Endpoint} established.")]
    public static partial void Connected(ILogger logger, string role, string endpoint);

    [LoggerMessage(5001, LogLevel.Warning, "Redis {Role} connection to {Endpoint} failed; retrying in {DelayMs} ms.")]
    public static partial void ConnectFailed(ILogger logger, string role, string endpoint, long delayMs, Exception error);

    [LoggerMessage(5002, LogLevel.Warning, "Redis {Role} connection to {Endpoint} broke.")]
    public static partial void ConnectionBroken(ILogger logger, string role, string endpoint, Exception error);

    [LoggerMessage(5003, LogLevel.Information, "Redis subscriber re-subscribed {Count} channels.")]
    public static partial void Resubscribed(ILogger logger, int count);

    [LoggerMessage(5004, LogLevel.Error, "Redis subscription handler for {Channel} failed.")]
    public static partial void HandlerFailed(ILogger logger, string channel, Exception error);

    [LoggerMessage(5005, LogLevel.Debug, "Script {Sha} missing on the server (NOSCRIPT); loading it again.")]
    public static partial void ScriptReloaded(ILogger logger, string sha);

    [LoggerMessage(5010, LogLevel.Warning, "Backplane failed to write a message to connection {ConnectionId}.")]
    public static partial void FailedWritingMessage(ILogger logger, string connectionId, Exception error);

    [LoggerMessage(5011, LogLevel.Warning, "Backplane received an unreadable message on {Channel}.")]
    public static partial void UnreadableMessage(ILogger logger, string channel, Exception error);

    [LoggerMessage(5012, LogLevel.Warning, "Backplane message on {Channel} has no serialization for protocol {Protocol}; servers must register the same protocols.")]
    public static partial void MissingProtocol(ILogger logger, string channel, string protocol);

    [LoggerMessage(5013, LogLevel.Warning, "Backplane could not unsubscribe {Channel}.")]
    public static partial void UnsubscribeFailed(ILogger logger, string channel, Exception error);

    [LoggerMessage(5020, LogLevel.Warning, "Presence lease refresh for node {NodeId} failed.")]
    public static partial void LeaseRefreshFailed(ILogger logger, string nodeId, Exception error);

    [LoggerMessage(5021, LogLevel.Warning, "Presence lease of node {NodeId} was missing (Redis restarted or the node stalled); re-registered {Count} connections.")]
    public static partial void PresenceReRegistered(ILogger logger, string nodeId, int count);

    [LoggerMessage(5022, LogLevel.Warning, "Sequence counter of chat {ChatId} was missing; seeded at {Seed} from store max {StoreMax}.")]
    public static partial void SequenceSeeded(ILogger logger, string chatId, long seed, long storeMax);

    [LoggerMessage(5023, LogLevel.Warning, "The sequence counters were lost (Redis restarted empty) while the store holds messages; new counters jump for {Window}.")]
    public static partial void SequenceCountersLost(ILogger logger, TimeSpan window);
}
