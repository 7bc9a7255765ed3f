using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The argument of group calls that name only the group (<c>LeaveGroup</c>, <c>DismissGroup</c>).</summary>
[DataContract]
public sealed record GroupRequest
{
    /// <summary>The group.</summary>
    [DataMember(Name = "groupId")]
    public string? GroupId { get; init; }
}
