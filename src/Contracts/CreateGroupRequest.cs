using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>CreateGroup</c> argument: the caller becomes owner.</summary>
[DataContract]
public sealed record CreateGroupRequest
{
    /// <summary>1–64 characters.</summary>
    [DataMember(Name = "name")]
    public string? Name { get; init; }
    /// <summary>Members besides the caller.</summary>
    [DataMember(Name = "memberIds")]
    public IReadOnlyList<string>? MemberIds { get; init; }
}
