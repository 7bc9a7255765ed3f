using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>GetBlockedUsers</c> result, oldest block first.</summary>
[DataContract]
public sealed record BlockedUsersResult
{
    /// <summary>The user ids.</summary>
    [DataMember(Name = "userIds")]
    public required IReadOnlyList<string> UserIds { get; init; }
}
