using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>MessageStatus</c> event to the sender's devices when the recipient acks.</summary>
[DataContract]
public sealed class MessageStatusEvent
{
    [DataMember(Name = "msgId")]
    public required string MsgId { get; init; }
    [DataMember(Name = "chatId")]
    public required string ChatId { get; init; }
    /// <summary><c>"Delivered"</c> or <c>"Read"</c>.</summary>
    [DataMember(Name = "status")]
    public required string Status { get; init; }
    [DataMember(Name = "byUserId")]
    public required string ByUserId { get; init; }
    /// <summary>Ack time, Unix milliseconds.</summary>
    [DataMember(Name = "time")]
    public required long Time { get; init; }
}
