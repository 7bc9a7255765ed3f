namespace ImSignalR.Client.Models;

/// <summary>One entry of <c>GetConversations</c>.</summary>
public sealed record Conversation
{
    /// <summary>Conversation id.</summary>
    public required string ChatId { get; init; }
    /// <summary>The other user.</summary>
    public required string PeerUserId { get; init; }
    /// <summary>Newest message, if any.</summary>
    public ImMessage? LastMessage { get; init; }
    /// <summary>Newest seq.</summary>
    public required long LastSeq { get; init; }
    /// <summary>Highest seq the caller has read.</summary>
    public required long ReadSeq { get; init; }
    /// <summary>Messages from the peer above <see cref="ReadSeq"/>.</summary>
    public required long Unread { get; init; }
}
