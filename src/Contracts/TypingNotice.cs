using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>Typing</c> event: the other participant of <see cref="ChatId"/> is typing.</summary>
[DataContract]
public sealed record TypingNotice
{
    /// <summary>The conversation.</summary>
    [DataMember(Name = "chatId")]
    public required string ChatId { get; init; }

    /// <summary>The user concerned.</summary>
    [DataMember(Name = "userId")]
    public required string UserId { get; init; }
}
