namespace ImSignalR.Client.Models;

/// <summary>The <c>MessageStatus</c> event: the recipient acked one of the caller's messages.</summary>
public sealed record MessageStatusUpdate
{
    /// <summary>The acked message.</summary>
    public required string MsgId { get; init; }
    /// <summary>Conversation.</summary>
    public required string ChatId { get; init; }
    /// <summary><c>Delivered</c> or <c>Read</c>.</summary>
    public required string Status { get; init; }
    /// <summary>Who acked.</summary>
    public required string ByUserId { get; init; }
    /// <summary>Ack time, Unix milliseconds.</summary>
    public required long Time { get; init; }
}
