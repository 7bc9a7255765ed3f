using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>GetGroupMembers</c> argument: a page ordered by user id.</summary>
[DataContract]
public sealed record GroupMembersQuery
{
    /// <summary>The group.</summary>
    [DataMember(Name = "groupId")]
    public string? GroupId { get; init; }
    /// <summary>Members after this user id (the first page without it).</summary>
    [DataMember(Name = "afterUserId")]
    public string? AfterUserId { get; init; }
    /// <summary>Page size.</summary>
    [DataMember(Name = "limit")]
    public int? Limit { get; init; }
}
