using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>UpdateGroup</c> argument: the new name, 1–64 chars.</summary>
[DataContract]
public sealed class UpdateGroupRequest
{
    [DataMember(Name = "groupId")]
    public string? GroupId { get; init; }
    [DataMember(Name = "name")]
    public string? Name { get; init; }
}
