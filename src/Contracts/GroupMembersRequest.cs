using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>AddGroupMembers</c> / <c>RemoveGroupMembers</c> argument: at most 500 user ids per call.</summary>
[DataContract]
public sealed class GroupMembersRequest
{
    [DataMember(Name = "groupId")]
    public string? GroupId { get; init; }
    [DataMember(Name = "userIds")]
    public IReadOnlyList<string>? UserIds { get; init; }
}
