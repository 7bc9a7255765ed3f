using System.Runtime.Serialization;

namespace ImSignalR.Domain.Contracts;

/// <summary><c>BlockUser</c> / <c>UnblockUser</c> argument (SPEC §11).</summary>
[DataContract]
public sealed class BlockRequest
{
    [DataMember(Name = "userId")]
    public string? UserId { get; init; }
}

/// <summary><c>BlockUser</c> / <c>UnblockUser</c> result: the user's state now (both calls are idempotent).</summary>
[DataContract]
public sealed class BlockResult
{
    [DataMember(Name = "userId")]
    public required string UserId { get; init; }

    [DataMember(Name = "blocked")]
    public required bool Blocked { get; init; }
}

/// <summary><c>GetBlockedUsers</c> result, oldest block first.</summary>
[DataContract]
public sealed class BlockedUsersResult
{
    [DataMember(Name = "userIds")]
    public required IReadOnlyList<string> UserIds { get; init; }
}
