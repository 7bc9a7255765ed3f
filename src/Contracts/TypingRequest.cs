using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>Typing</c> argument (SPEC §11): the caller is typing in <see cref="ChatId"/>.</summary>
[DataContract]
public sealed class TypingRequest
{
    [DataMember(Name = "chatId")]
    public string? ChatId { get; init; }
}
