namespace ImSignalR.Domain.Messaging;

/// <summary>
/// Group send (110, SPEC §10): one stored copy of a group message, whatever the member count. Applied like
/// <see cref="MessageSent"/> (duplicate and seq-conflict outcomes included), plus the group's newest seq and the
/// mention index.
/// </summary>
public sealed record GroupMessageSent(ChatMessage Message, long GroupId)
    : LogEvent(Message.ChatId, Message.SendTime)
{
    public override int ClusterEventType => 110;
}
