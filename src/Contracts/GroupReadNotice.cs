using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>GroupRead</c> event: a member's read cursor in a group moved (at most one per reader per second).</summary>
[DataContract]
public sealed record GroupReadNotice
{
    /// <summary><c>grp:{groupId}</c>.</summary>
    [DataMember(Name = "chatId")]
    public required string ChatId { get; init; }
    /// <summary>The reader.</summary>
    [DataMember(Name = "userId")]
    public required string UserId { get; init; }
    /// <summary>Their read cursor now.</summary>
    [DataMember(Name = "readSeq")]
    public required long ReadSeq { get; init; }
}
