using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>RecallMessage</c> result (a repeated recall answers the same).</summary>
[DataContract]
public sealed record RecallResult
{
    /// <summary>The recalled message.</summary>
    [DataMember(Name = "msgId")]
    public required string MsgId { get; init; }

    /// <summary>Its conversation.</summary>
    [DataMember(Name = "chatId")]
    public required string ChatId { get; init; }

    /// <summary>Its seq, which stays taken.</summary>
    [DataMember(Name = "seq")]
    public required long Seq { get; init; }
}
