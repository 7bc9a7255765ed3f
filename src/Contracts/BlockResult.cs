using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>BlockUser</c> / <c>UnblockUser</c> result: the user's state now (both calls are idempotent).</summary>
[DataContract]
public sealed class BlockResult
{
    [DataMember(Name = "userId")]
    public required string UserId { get; init; }

    [DataMember(Name = "blocked")]
    public required bool Blocked { get; init; }
}
