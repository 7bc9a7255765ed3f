using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>Typing</c> event to the other participant's connections.</summary>
[DataContract]
public sealed class TypingEvent
{
    [DataMember(Name = "chatId")]
    public required string ChatId { get; init; }

    [DataMember(Name = "userId")]
    public required string UserId { get; init; }
}
