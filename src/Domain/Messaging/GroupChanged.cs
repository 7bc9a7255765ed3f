using ImSignalR.Domain.Groups;

namespace ImSignalR.Domain.Messaging;

/// <summary>
/// Membership change (150, SPEC §10): the system message <see cref="Message"/> (msgFormat 201–206) takes a seq in
/// the group's timeline, and <see cref="Change"/> is applied at that seq. Both or neither: a redelivered event finds
/// its message stored and changes nothing.
/// </summary>
public sealed record GroupChanged(ChatMessage Message, GroupChange Change)
    : LogEvent(Message.ChatId, Message.SendTime)
{
    public override int ClusterEventType => 150;
}
