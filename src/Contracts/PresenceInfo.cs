using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>One user's presence as the caller may see it (people the caller has no conversation with: always offline).</summary>
[DataContract]
public sealed record PresenceInfo
{
    /// <summary>The user concerned.</summary>
    [DataMember(Name = "userId")]
    public required string UserId { get; init; }

    /// <summary>Whether the user has a live connection anywhere.</summary>
    [DataMember(Name = "online")]
    public required bool Online { get; init; }

    /// <summary>Unix ms of the user's last disconnect; null when unknown or not visible.</summary>
    [DataMember(Name = "lastSeen")]
    public long? LastSeen { get; init; }
}
