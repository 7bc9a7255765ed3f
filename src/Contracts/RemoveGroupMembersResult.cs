using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>RemoveGroupMembers</c> result: how many of the ids were members and are no longer.</summary>
[DataContract]
public sealed class RemoveGroupMembersResult
{
    [DataMember(Name = "removed")]
    public required int Removed { get; init; }
}
