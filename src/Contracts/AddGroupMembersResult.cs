using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>AddGroupMembers</c> result.</summary>
[DataContract]
public sealed record AddGroupMembersResult
{
    /// <summary>How many were not members before.</summary>
    [DataMember(Name = "added")]
    public required int Added { get; init; }
}
