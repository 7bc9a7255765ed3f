using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>GetGroupReadReceipts</c> argument: one message of a group chat by its seq.</summary>
[DataContract]
public sealed record GroupReadReceiptsRequest
{
    /// <summary><c>grp:{groupId}</c>.</summary>
    [DataMember(Name = "chatId")]
    public string? ChatId { get; init; }
    /// <summary>The message's seq.</summary>
    [DataMember(Name = "seq")]
    public long? Seq { get; init; }
}
