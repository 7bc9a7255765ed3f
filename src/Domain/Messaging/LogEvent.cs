namespace ImSignalR.Domain.Messaging;

/// <summary>
/// What the message log carries (SPEC §6): one event per accepted send, offline mark and ack.
/// The store applies them idempotently, so a redelivered event changes nothing.
/// </summary>
public abstract record LogEvent(string ChatId, long CreateTime)
{
    /// <summary>The <c>clusterEventType</c> of the Java <c>ClusterEvent</c>.</summary>
    public abstract int ClusterEventType { get; }
}

/// <summary><c>C2C_SEND_MSG</c> (10): a message was accepted.</summary>
public sealed record MessageSent(ChatMessage Message)
    : LogEvent(Message.ChatId, Message.SendTime)
{
    public override int ClusterEventType => 10;
}

/// <summary><c>C2C_OFF_LINE_MSG</c> (20): the recipient was offline (or the retry budget was spent).</summary>
public sealed record MessageOffline(ChatMessage Message, long Time)
    : LogEvent(Message.ChatId, Time)
{
    public override int ClusterEventType => 20;
}

/// <summary>
/// <c>C2C_CLIENT_WITHDRAW_MSG</c> (40): the sender recalled a message (SPEC §11). The store keeps the row and seq
/// and erases content and ext; applying it again changes nothing.
/// </summary>
public sealed record MessageRecalled(string ChatIdValue, long MsgId, string FromUserId, string ToUserId, long Time)
    : LogEvent(ChatIdValue, Time)
{
    public override int ClusterEventType => 40;
}

/// <summary><c>C2C_CLIENT_RECEIVED_ACK_MSG</c> (30): the recipient acked messages of one conversation.</summary>
/// <param name="FromUserId">The original sender of the acked messages.</param>
/// <param name="ToUserId">The recipient, who acked.</param>
/// <param name="MaxSeq">The highest seq among <paramref name="MsgIds"/>; a Read ack raises read_seq to it.</param>
public sealed record MessagesAcked(
    string ChatIdValue,
    string FromUserId,
    string ToUserId,
    IReadOnlyList<long> MsgIds,
    MessageStatus Status,
    long MaxSeq,
    long Time)
    : LogEvent(ChatIdValue, Time)
{
    public override int ClusterEventType => 30;
}
