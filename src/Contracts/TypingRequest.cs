using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>Typing</c> argument.</summary>
[DataContract]
public sealed record TypingRequest
{
    /// <summary>The conversation.</summary>
    [DataMember(Name = "chatId")]
    public string? ChatId { get; init; }
}
