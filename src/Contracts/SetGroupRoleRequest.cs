using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>SetGroupRole</c> argument; <c>owner</c> transfers ownership.</summary>
[DataContract]
public sealed record SetGroupRoleRequest
{
    /// <summary>The group.</summary>
    [DataMember(Name = "groupId")]
    public string? GroupId { get; init; }
    /// <summary>The member.</summary>
    [DataMember(Name = "userId")]
    public string? UserId { get; init; }
    /// <summary><c>owner</c>, <c>admin</c> or <c>member</c>.</summary>
    [DataMember(Name = "role")]
    public string? Role { get; init; }
}
