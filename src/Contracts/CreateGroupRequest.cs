using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>CreateGroup</c> argument: the caller becomes the owner; <see cref="MemberIds"/> are the other first members.</summary>
[DataContract]
public sealed class CreateGroupRequest
{
    [DataMember(Name = "name")]
    public string? Name { get; init; }
    [DataMember(Name = "memberIds")]
    public IReadOnlyList<string>? MemberIds { get; init; }
}
