using System.Globalization;
using ImSignalR.Domain.Groups;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Messaging;

namespace ImSignalR.Specification.Persistence;

/// <summary>Group log events as <c>GroupService</c> writes them, for store tests.</summary>
public static class GroupEvents
{
    public static GroupChanged Change(GroupChange change, long seq, long time)
    {
        var msgId = TestIds.MsgId();
        var format = GroupSystemMessages.FormatOf(change.Kind);
        return new GroupChanged(new ChatMessage(msgId, "sys-" + msgId.ToString(CultureInfo.InvariantCulture), GroupChatIds.For(change.GroupId), seq,
            change.ActorId, string.Empty, GroupSystemMessages.ContentOf(change), format, null, time, MessageStatus.Reached), change);
    }

    public static GroupMessageSent Send(long groupId, string from, long seq, long time, IReadOnlyList<string>? mentions = null, string? clientMsgId = null) =>
        new(new ChatMessage(TestIds.MsgId(), clientMsgId ?? $"g-{Guid.NewGuid():N}", GroupChatIds.For(groupId), seq, from, string.Empty, $"group {seq}",
            MsgFormats.Text, null, time, MessageStatus.Reached, Mentions: mentions), groupId);
}
