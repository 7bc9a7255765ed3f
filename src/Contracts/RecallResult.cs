using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>RecallMessage</c> result; a repeated recall answers the same.</summary>
[DataContract]
public sealed class RecallResult
{
    [DataMember(Name = "msgId")]
    public required string MsgId { get; init; }

    [DataMember(Name = "chatId")]
    public required string ChatId { get; init; }

    [DataMember(Name = "seq")]
    public required long Seq { get; init; }
}
