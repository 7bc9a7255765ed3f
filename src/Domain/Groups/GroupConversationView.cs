using ImSignalR.Domain.Messaging;

namespace ImSignalR.Domain.Groups;

/// <summary>One group of a user's conversation list, clipped to the user's window.</summary>
/// <param name="LastMessage">The newest message the user may see; null when none.</param>
/// <param name="Unread">Messages from others in the window above the later of the read cursor and the join point.</param>
/// <param name="MentionedMe">An unread message mentions the user or <c>all</c>.</param>
public sealed record GroupConversationView(StoredGroup Group, GroupMembership Member, ChatMessage? LastMessage, long Unread, bool MentionedMe);
