using Microsoft.Extensions.Logging;

namespace ImSignalR.RocketMq.Internal;

/// <summary>Logging of the RocketMQ adapter. Event ids 7000–7099 belong to this component.</summary>
internal static partial class RocketMqLog
{
    [LoggerMessage(7000, LogLevel.Warning, "RocketMQ connection to {Address} closed: {Reason}")]
    public static partial void ConnectionClosed(ILogger logger, string address, string reason);

    [LoggerMessage(7001, LogLevel.Debug, "RocketMQ server request {Code} from {Address} answered with {ReplyCode}")]
    public static partial void ServerRequest(ILogger logger, int code, string address, int replyCode);

    [LoggerMessage(7002, LogLevel.Warning, "RocketMQ route refresh of {Topic} failed")]
    public static partial void RouteRefreshFailed(ILogger logger, string topic, Exception exception);

    [LoggerMessage(7003, LogLevel.Warning, "RocketMQ send of {Topic} to {Broker} failed, attempt {Attempt}: {Reason}")]
    public static partial void SendAttemptFailed(ILogger logger, string topic, string broker, int attempt, string reason);

    [LoggerMessage(7004, LogLevel.Warning, "RocketMQ heartbeat to {Address} failed: {Reason}")]
    public static partial void HeartbeatFailed(ILogger logger, string address, string reason);

    [LoggerMessage(7005, LogLevel.Information, "RocketMQ consumer {ClientId} of {Group} now owns {Count} queues: {Queues}")]
    public static partial void Rebalanced(ILogger logger, string clientId, string group, int count, string queues);

    [LoggerMessage(7006, LogLevel.Warning, "RocketMQ rebalance of {Group} failed")]
    public static partial void RebalanceFailed(ILogger logger, string group, Exception exception);

    [LoggerMessage(7007, LogLevel.Warning, "RocketMQ pull from {Queue} failed; retrying")]
    public static partial void PullFailed(ILogger logger, string queue, Exception exception);

    [LoggerMessage(7008, LogLevel.Warning, "RocketMQ processing of {Count} messages from {Queue} failed; sending them back for retry")]
    public static partial void ProcessingFailed(ILogger logger, int count, string queue, Exception exception);

    [LoggerMessage(7009, LogLevel.Warning, "RocketMQ offset commit for {Queue} failed")]
    public static partial void CommitFailed(ILogger logger, string queue, Exception exception);

    [LoggerMessage(7010, LogLevel.Error, "RocketMQ message {MsgId} from {Queue} is not a ClusterEvent; skipped")]
    public static partial void PoisonMessage(ILogger logger, string msgId, string queue, Exception exception);

    [LoggerMessage(7011, LogLevel.Warning, "Message store unavailable while applying {Count} events from {Queue}; retrying in {DelayMs} ms")]
    public static partial void StoreUnavailable(ILogger logger, int count, string queue, int delayMs, Exception exception);

    [LoggerMessage(7012, LogLevel.Warning, "Applying event {Index} of a batch from {Queue} gave {Status}")]
    public static partial void ApplyOutcome(ILogger logger, int index, string queue, string status);

    [LoggerMessage(7022, LogLevel.Error, "Send {MsgId} from {Queue} was not stored: seq {Seq} of its chat is taken and this process has no sequence allocator to move it")]
    public static partial void SendNotStored(ILogger logger, long msgId, string queue, long seq);

    [LoggerMessage(7023, LogLevel.Warning, "Send {MsgId} from {Queue} moved from seq {Seq} to {StoredSeq}: the store held its seq")]
    public static partial void SendMoved(ILogger logger, long msgId, string queue, long seq, long storedSeq);

    [LoggerMessage(7013, LogLevel.Information, "RocketMQ offset reset: {Queue} moves from {From} to {To}")]
    public static partial void OffsetReset(ILogger logger, string queue, long from, long to);

    [LoggerMessage(7014, LogLevel.Information, "RocketMQ broker {Address} reset the offsets of {Group} on {Topic}: {Listed} queues listed, {Owned} owned here")]
    public static partial void ResetReceived(ILogger logger, string group, string topic, string address, int listed, int owned);

    [LoggerMessage(7015, LogLevel.Warning, "RocketMQ offset reset from {Address} for {Topic} ignored: the body does not parse")]
    public static partial void ResetRejected(ILogger logger, string address, string topic, Exception exception);

    [LoggerMessage(7016, LogLevel.Information, "RocketMQ broker moved {Queue} from offset {From} to {To} ({Reason})")]
    public static partial void OffsetMoved(ILogger logger, string queue, long from, long to, string reason);

    [LoggerMessage(7017, LogLevel.Debug, "RocketMQ connection to {Address} closed: {Reason}")]
    public static partial void ConnectionClosedLocally(ILogger logger, string address, string reason);

    [LoggerMessage(7018, LogLevel.Warning, "RocketMQ producer heartbeat to {Address} failed: {Reason}")]
    public static partial void ProducerHeartbeatFailed(ILogger logger, string address, string reason);

    [LoggerMessage(7019, LogLevel.Debug, "Read-your-writes wait gave up after at most {TimeoutMs} ms: {Reason}; the read goes ahead")]
    public static partial void ReadBarrierGaveUp(ILogger logger, int timeoutMs, string reason);

    [LoggerMessage(7020, LogLevel.Warning, "Publishing an event to {Topic} for a batch from {Queue} failed; retrying in {DelayMs} ms")]
    public static partial void EventPublishFailed(ILogger logger, string topic, string queue, int delayMs, Exception exception);

    [LoggerMessage(7021, LogLevel.Warning, "Group event at {Queue} offset {Offset} is durable but not applied by the persistence consumer within {TimeoutMs} ms; the call goes ahead")]
    public static partial void GroupApplyWaitGaveUp(ILogger logger, string queue, long offset, int timeoutMs);
}
