using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>BlockUser</c> / <c>UnblockUser</c> argument.</summary>
[DataContract]
public sealed record BlockRequest
{
    /// <summary>The user concerned.</summary>
    [DataMember(Name = "userId")]
    public string? UserId { get; init; }
}
