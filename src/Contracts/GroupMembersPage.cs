using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>GetGroupMembers</c> result.</summary>
[DataContract]
public sealed record GroupMembersPage
{
    /// <summary>This page, ordered by user id.</summary>
    [DataMember(Name = "members")]
    public required IReadOnlyList<GroupMember> Members { get; init; }
    /// <summary>More members follow the last one.</summary>
    [DataMember(Name = "hasMore")]
    public required bool HasMore { get; init; }
}
