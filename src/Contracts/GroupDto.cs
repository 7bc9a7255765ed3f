using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>One group as its members see it (<c>CreateGroup</c>, <c>UpdateGroup</c>, <c>GetGroups</c>; SPEC §10).</summary>
[DataContract]
public sealed class GroupDto
{
    /// <summary>Server-assigned, a decimal string of a 64-bit number.</summary>
    [DataMember(Name = "groupId")]
    public required string GroupId { get; init; }
    /// <summary><c>grp:{groupId}</c>: the conversation id of the group's timeline.</summary>
    [DataMember(Name = "chatId")]
    public required string ChatId { get; init; }
    [DataMember(Name = "name")]
    public required string Name { get; init; }
    [DataMember(Name = "ownerId")]
    public required string OwnerId { get; init; }
    [DataMember(Name = "memberCount")]
    public required int MemberCount { get; init; }
    /// <summary>Unix milliseconds.</summary>
    [DataMember(Name = "createdAt")]
    public required long CreatedAt { get; init; }
}
