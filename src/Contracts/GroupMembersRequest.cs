using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>AddGroupMembers</c> / <c>RemoveGroupMembers</c> argument (at most 500 ids).</summary>
[DataContract]
public sealed record GroupMembersRequest
{
    /// <summary>The group.</summary>
    [DataMember(Name = "groupId")]
    public string? GroupId { get; init; }
    /// <summary>Users to add or remove.</summary>
    [DataMember(Name = "userIds")]
    public IReadOnlyList<string>? UserIds { get; init; }
}
