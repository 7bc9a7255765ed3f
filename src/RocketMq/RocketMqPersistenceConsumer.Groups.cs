using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using ImSignalR.RocketMq.Service;

namespace ImSignalR.RocketMq;

/// <summary>The SPEC §13 events of group events: published, like the C2C ones, after the store applied them.</summary>
internal sealed partial class RocketMqPersistenceConsumer
{
    /// <summary>
    /// <c>message_sent</c> for a group send, <c>group_changed</c> for a membership or settings change; nothing for a
    /// read. Only for an entry the store holds as this event: applied now, or a redelivery (a duplicate of itself,
    /// published again: at least once). An entry the store refused (its seq was taken, or another message holds its
    /// clientMsgId) never happened: the group service appends it again, and that one is published.
    /// </summary>
    private (byte[]? Body, string Type, long MsgId, string UserId) GroupServiceEvent(LogEvent logEvent, AppendOutcome outcome)
    {
        var (message, change) = logEvent switch
        {
            GroupMessageSent s => (s.Message, null),
            GroupChanged c => (c.Message, c),
            _ => ((ChatMessage?)null, (GroupChanged?)null),
        };
        if (message is null || !IsStoredAsItself(message, outcome))
        {
            return (null, "", 0L, "");
        }
        return change is null
            ? (ServiceEventCodec.MessageSent(message, _options.Service.EventsIncludeContent), ServiceEventCodec.MessageSentType, message.MsgId, message.FromUserId)
            : (ServiceEventCodec.GroupChanged(change), ServiceEventCodec.GroupChangedType, message.MsgId, change.Change.ActorId);
    }

    private static bool IsStoredAsItself(ChatMessage message, AppendOutcome outcome) => outcome.Status switch
    {
        AppendStatus.Appended => true,
        AppendStatus.Duplicate => outcome.Stored?.MsgId == message.MsgId,
        _ => false,
    };
}
