using ImSignalR.Domain.Messaging;

namespace ImSignalR.Domain.Ports;

/// <summary>One conversation row of one user, with what the client list needs.</summary>
public sealed record ConversationView(
    string ChatId,
    string PeerUserId,
    long LastSeq,
    long ReadSeq,
    long Unread,
    long UpdatedAt,
    ChatMessage? LastMessage);
