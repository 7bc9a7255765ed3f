using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>GetGroupReadReceipts</c> argument: one message of a group, by its chat and seq.</summary>
[DataContract]
public sealed class GroupReadReceiptsRequest
{
    [DataMember(Name = "chatId")]
    public string? ChatId { get; init; }
    [DataMember(Name = "seq")]
    public long? Seq { get; init; }
}
