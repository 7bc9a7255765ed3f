using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>One user's presence as the caller may see it.</summary>
[DataContract]
public sealed class PresenceDto
{
    [DataMember(Name = "userId")]
    public required string UserId { get; init; }

    [DataMember(Name = "online")]
    public required bool Online { get; init; }

    /// <summary>Unix ms of the user's last disconnect; null when unknown or not visible to the caller.</summary>
    [DataMember(Name = "lastSeen")]
    public long? LastSeen { get; init; }
}
