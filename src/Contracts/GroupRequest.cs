using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>LeaveGroup</c> / <c>DismissGroup</c> argument.</summary>
[DataContract]
public sealed class GroupRequest
{
    [DataMember(Name = "groupId")]
    public string? GroupId { get; init; }
}
