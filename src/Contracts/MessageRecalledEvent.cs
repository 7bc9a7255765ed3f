using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>MessageRecalled</c> event to every connection of both participants (SPEC §11).</summary>
[DataContract]
public sealed class MessageRecalledEvent
{
    [DataMember(Name = "msgId")]
    public required string MsgId { get; init; }

    [DataMember(Name = "chatId")]
    public required string ChatId { get; init; }

    [DataMember(Name = "seq")]
    public required long Seq { get; init; }

    [DataMember(Name = "byUserId")]
    public required string ByUserId { get; init; }

    /// <summary>Recall time, Unix ms.</summary>
    [DataMember(Name = "time")]
    public required long Time { get; init; }
}
