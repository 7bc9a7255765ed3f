using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>MessageStatus</c> event: the recipient acked one of the caller's messages.</summary>
[DataContract]
public sealed record MessageStatusUpdate
{
    /// <summary>The acked message.</summary>
    [DataMember(Name = "msgId")]
    public required string MsgId { get; init; }
    /// <summary>Conversation.</summary>
    [DataMember(Name = "chatId")]
    public required string ChatId { get; init; }
    /// <summary><c>Delivered</c> or <c>Read</c>.</summary>
    [DataMember(Name = "status")]
    public required string Status { get; init; }
    /// <summary>Who acked.</summary>
    [DataMember(Name = "byUserId")]
    public required string ByUserId { get; init; }
    /// <summary>Ack time, Unix milliseconds.</summary>
    [DataMember(Name = "time")]
    public required long Time { get; init; }
}
