using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>SendC2C</c> result. <see cref="MsgId"/> is a decimal string: JS numbers cannot hold 64 bits.</summary>
[DataContract]
public sealed class SendC2CResult
{
    [DataMember(Name = "msgId")]
    public required string MsgId { get; init; }
    [DataMember(Name = "chatId")]
    public required string ChatId { get; init; }
    [DataMember(Name = "seq")]
    public required long Seq { get; init; }
    /// <summary>Acceptance time of the (first) send, Unix milliseconds.</summary>
    [DataMember(Name = "serverTime")]
    public required long ServerTime { get; init; }
    [DataMember(Name = "duplicate")]
    public required bool Duplicate { get; init; }
}
