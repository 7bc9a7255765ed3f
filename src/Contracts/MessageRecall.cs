using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>MessageRecalled</c> event: show a placeholder for <see cref="MsgId"/>.</summary>
[DataContract]
public sealed record MessageRecall
{
    /// <summary>The recalled message.</summary>
    [DataMember(Name = "msgId")]
    public required string MsgId { get; init; }

    /// <summary>Its conversation.</summary>
    [DataMember(Name = "chatId")]
    public required string ChatId { get; init; }

    /// <summary>Its seq.</summary>
    [DataMember(Name = "seq")]
    public required long Seq { get; init; }

    /// <summary>Who recalled it (its sender).</summary>
    [DataMember(Name = "byUserId")]
    public required string ByUserId { get; init; }

    /// <summary>Recall time, Unix ms.</summary>
    [DataMember(Name = "time")]
    public required long Time { get; init; }
}
