using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>SendC2C</c> result.</summary>
[DataContract]
public sealed record SendResult
{
    /// <summary>Server id of the (first) accepted message.</summary>
    [DataMember(Name = "msgId")]
    public required string MsgId { get; init; }
    /// <summary>Conversation.</summary>
    [DataMember(Name = "chatId")]
    public required string ChatId { get; init; }
    /// <summary>Sequence number in the conversation.</summary>
    [DataMember(Name = "seq")]
    public required long Seq { get; init; }
    /// <summary>Acceptance time, Unix milliseconds.</summary>
    [DataMember(Name = "serverTime")]
    public required long ServerTime { get; init; }
    /// <summary>True when this was a resend of an accepted message.</summary>
    [DataMember(Name = "duplicate")]
    public required bool Duplicate { get; init; }
}
