using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>RemoveGroupMembers</c> result.</summary>
[DataContract]
public sealed record RemoveGroupMembersResult
{
    /// <summary>How many were members.</summary>
    [DataMember(Name = "removed")]
    public required int Removed { get; init; }
}
