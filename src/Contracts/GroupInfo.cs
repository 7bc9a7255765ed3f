using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>A group as <c>CreateGroup</c>, <c>UpdateGroup</c> and <c>GetGroups</c> return it (SPEC §10).</summary>
[DataContract]
public sealed record GroupInfo
{
    /// <summary>Server id, a decimal string.</summary>
    [DataMember(Name = "groupId")]
    public required string GroupId { get; init; }
    /// <summary><c>grp:{groupId}</c>: the conversation id for sync, history, acks and receipts.</summary>
    [DataMember(Name = "chatId")]
    public required string ChatId { get; init; }
    /// <summary>1–64 characters.</summary>
    [DataMember(Name = "name")]
    public required string Name { get; init; }
    /// <summary>The owner.</summary>
    [DataMember(Name = "ownerId")]
    public required string OwnerId { get; init; }
    /// <summary>Members, the owner included.</summary>
    [DataMember(Name = "memberCount")]
    public required int MemberCount { get; init; }
    /// <summary>Creation time, Unix milliseconds.</summary>
    [DataMember(Name = "createdAt")]
    public required long CreatedAt { get; init; }
}
