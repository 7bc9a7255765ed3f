using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>GetPresence</c> argument: at most 200 user ids.</summary>
[DataContract]
public sealed class PresenceRequest
{
    [DataMember(Name = "userIds")]
    public IReadOnlyList<string>? UserIds { get; init; }
}
