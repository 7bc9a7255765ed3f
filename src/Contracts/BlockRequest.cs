using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>BlockUser</c> / <c>UnblockUser</c> argument (SPEC §11).</summary>
[DataContract]
public sealed class BlockRequest
{
    [DataMember(Name = "userId")]
    public string? UserId { get; init; }
}
