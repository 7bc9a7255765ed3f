using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>GetGroupMembers</c> result; <see cref="HasMore"/> means a next page exists after the last user id.</summary>
[DataContract]
public sealed class GroupMembersResult
{
    [DataMember(Name = "members")]
    public required IReadOnlyList<GroupMemberDto> Members { get; init; }
    [DataMember(Name = "hasMore")]
    public required bool HasMore { get; init; }
}
