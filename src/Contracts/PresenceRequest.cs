using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>GetPresence</c> argument: at most 200 user ids.</summary>
[DataContract]
public sealed record PresenceRequest
{
    /// <summary>The user ids.</summary>
    [DataMember(Name = "userIds")]
    public IReadOnlyList<string>? UserIds { get; init; }
}
