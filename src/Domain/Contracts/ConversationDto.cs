namespace ImSignalR.Domain.Contracts;

/// <summary>One entry of <c>GetConversations</c>, from the caller's point of view.</summary>
public sealed class ConversationDto
{
    public required string ChatId { get; init; }
    public required string PeerUserId { get; init; }
    public MessageDto? LastMessage { get; init; }
    public required long LastSeq { get; init; }
    public required long ReadSeq { get; init; }
    /// <summary>Messages from the peer with seq above <see cref="ReadSeq"/>.</summary>
    public required long Unread { get; init; }
}
