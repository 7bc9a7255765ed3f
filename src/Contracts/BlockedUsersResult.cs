using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>GetBlockedUsers</c> result, oldest block first.</summary>
[DataContract]
public sealed class BlockedUsersResult
{
    [DataMember(Name = "userIds")]
    public required IReadOnlyList<string> UserIds { get; init; }
}
