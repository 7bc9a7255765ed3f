using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>SetGroupRole</c> argument: <see cref="Role"/> is <c>"admin"</c>, <c>"member"</c> or <c>"owner"</c> (transfers ownership; the old owner becomes an admin).</summary>
[DataContract]
public sealed class SetGroupRoleRequest
{
    [DataMember(Name = "groupId")]
    public string? GroupId { get; init; }
    [DataMember(Name = "userId")]
    public string? UserId { get; init; }
    [DataMember(Name = "role")]
    public string? Role { get; init; }
}
