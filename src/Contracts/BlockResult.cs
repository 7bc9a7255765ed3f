using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>BlockUser</c> / <c>UnblockUser</c> result: the user's state now (both are idempotent).</summary>
[DataContract]
public sealed record BlockResult
{
    /// <summary>The user concerned.</summary>
    [DataMember(Name = "userId")]
    public required string UserId { get; init; }

    /// <summary>Whether the user is blocked now.</summary>
    [DataMember(Name = "blocked")]
    public required bool Blocked { get; init; }
}
