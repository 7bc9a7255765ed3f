using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>UpdateGroup</c> argument.</summary>
[DataContract]
public sealed record UpdateGroupRequest
{
    /// <summary>The group.</summary>
    [DataMember(Name = "groupId")]
    public string? GroupId { get; init; }
    /// <summary>The new name, 1–64 characters.</summary>
    [DataMember(Name = "name")]
    public string? Name { get; init; }
}
