using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>One member of a group.</summary>
[DataContract]
public sealed record GroupMember
{
    /// <summary>The member.</summary>
    [DataMember(Name = "userId")]
    public required string UserId { get; init; }
    /// <summary><c>owner</c>, <c>admin</c> or <c>member</c>.</summary>
    [DataMember(Name = "role")]
    public required string Role { get; init; }
    /// <summary>Join time, Unix milliseconds.</summary>
    [DataMember(Name = "joinedAt")]
    public required long JoinedAt { get; init; }
}
