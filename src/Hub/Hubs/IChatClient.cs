using ImSignalR.Contracts;

namespace ImSignalR.Hub.Hubs;

/// <summary>Server-to-client events (SPEC §3.4). Method names are the wire targets. Public because
/// SignalR emits its typed-client proxy in another assembly.</summary>
public interface IChatClient
{
    /// <summary>A message for this user (recipient or sender's other device).</summary>
    Task ReceiveC2C(ImMessage message);

    /// <summary>The recipient acked one of this user's messages.</summary>
    Task MessageStatus(MessageStatusUpdate status);

    /// <summary>A message of one of this user's conversations was recalled (SPEC §11).</summary>
    Task MessageRecalled(MessageRecall recalled);

    /// <summary>A message of one of this user's groups (SPEC §10), the sender's other devices included.</summary>
    Task ReceiveGroup(ImMessage message);

    /// <summary>A member's read cursor in one of this user's groups moved (coalesced, groups up to 500 members).</summary>
    Task GroupRead(GroupReadNotice read);

    /// <summary>The other participant of a conversation is typing (SPEC §11).</summary>
    Task Typing(TypingNotice typing);
}
