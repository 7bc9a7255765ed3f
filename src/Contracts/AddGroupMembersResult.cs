using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>AddGroupMembers</c> result: how many of the ids became members (present members are not counted).</summary>
[DataContract]
public sealed class AddGroupMembersResult
{
    [DataMember(Name = "added")]
    public required int Added { get; init; }
}
