namespace ImSignalR.Domain.Contracts;

/// <summary><c>MessageStatus</c> event to the sender's devices when the recipient acks.</summary>
public sealed class MessageStatusEvent
{
    public required string MsgId { get; init; }
    public required string ChatId { get; init; }
    /// <summary><c>"Delivered"</c> or <c>"Read"</c>.</summary>
    public required string Status { get; init; }
    public required string ByUserId { get; init; }
    /// <summary>Ack time, Unix milliseconds.</summary>
    public required long Time { get; init; }
}
