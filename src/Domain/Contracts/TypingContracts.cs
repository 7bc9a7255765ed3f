using System.Runtime.Serialization;

namespace ImSignalR.Domain.Contracts;

/// <summary><c>Typing</c> argument (SPEC §11): the caller is typing in <see cref="ChatId"/>.</summary>
[DataContract]
public sealed class TypingRequest
{
    [DataMember(Name = "chatId")]
    public string? ChatId { get; init; }
}

/// <summary><c>Typing</c> event to the other participant's connections.</summary>
[DataContract]
public sealed class TypingEvent
{
    [DataMember(Name = "chatId")]
    public required string ChatId { get; init; }

    [DataMember(Name = "userId")]
    public required string UserId { get; init; }
}

/// <summary><c>GetPresence</c> argument: at most 200 user ids.</summary>
[DataContract]
public sealed class PresenceRequest
{
    [DataMember(Name = "userIds")]
    public IReadOnlyList<string>? UserIds { get; init; }
}

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
