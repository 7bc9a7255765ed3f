using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>GroupRead</c> event: a member's read cursor in a group moved (coalesced, at most one per reader per second).</summary>
[DataContract]
public sealed class GroupReadEvent
{
    [DataMember(Name = "chatId")]
    public required string ChatId { get; init; }
    [DataMember(Name = "userId")]
    public required string UserId { get; init; }
    [DataMember(Name = "readSeq")]
    public required long ReadSeq { get; init; }
}
