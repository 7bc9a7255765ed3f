using ImSignalR.Contracts;
using ImSignalR.Domain.Identity;

namespace ImSignalR.Domain.Messaging;

/// <summary>Domain → wire: the contracts assembly knows no domain type, so the mapping lives here.</summary>
public static class WireMapping
{
    public static ImMessage ToDto(this ChatMessage m)
    {
        var groupId = GroupChatIds.GroupIdOf(m.ChatId);
        return new()
        {
            MsgId = m.MsgId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ClientMsgId = m.ClientMsgId,
            ChatId = m.ChatId,
            Seq = m.Seq,
            FromUserId = m.FromUserId,
            ToUserId = groupId is null ? m.ToUserId : null,
            Content = m.Content,
            MsgFormat = m.MsgFormat,
            Ext = m.Ext,
            SendTime = m.SendTime,
            Status = (int)m.Status,
            Recalled = m.Recalled,
            GroupId = groupId,
            Mentions = m.Mentions is { Count: > 0 } ? m.Mentions : null,
        };
    }
}
