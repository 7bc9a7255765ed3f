using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>GetGroupMembers</c> argument: a page of current members ordered by user id, after <see cref="AfterUserId"/>.</summary>
[DataContract]
public sealed class GetGroupMembersRequest
{
    [DataMember(Name = "groupId")]
    public string? GroupId { get; init; }
    [DataMember(Name = "afterUserId")]
    public string? AfterUserId { get; init; }
    /// <summary>Page size, at most 200.</summary>
    [DataMember(Name = "limit")]
    public int? Limit { get; init; }
}
