using System.Runtime.Serialization;

namespace ImSignalR.Client.Models;

/// <summary>The <c>BlockUser</c> / <c>UnblockUser</c> argument.</summary>
[DataContract]
public sealed record BlockRequest
{
    /// <summary>The user concerned.</summary>
    [DataMember(Name = "userId")]
    public string? UserId { get; init; }
}
