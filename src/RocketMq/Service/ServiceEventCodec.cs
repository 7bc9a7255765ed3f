using System.Globalization;
using System.Text.Json;
using ImSignalR.Domain.Groups;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.RocketMq.Service;

/// <summary>
/// SPEC §13 events: body <c>{"user_id","message","timestamp","type","data"}</c> (seed 002's shape; <c>timestamp</c>
/// ISO 8601 UTC), properties <c>event_type</c> and <c>user_id</c>. <c>message_sent</c>: user_id = the sender,
/// data = <c>{msg_id, chat_id, from_user_id, to_user_id, msg_format, seq, send_time}</c>, message = the content
/// only when configured (else empty).
/// </summary>
internal static class ServiceEventCodec
{
    public const string MessageSentType = "message_sent";

    public const string MessageRecalledType = "message_recalled";

    public const string GroupChangedType = "group_changed";

    public const string UserJoinType = "user_join";

    public const string UserLeaveType = "user_leave";

    /// <summary>
    /// <c>user_join</c> (the user's first live connection cluster-wide): data = <c>{node_id}</c>, the node instance
    /// whose connection it was. <c>user_leave</c> (the last one closed, or its node died): data =
    /// <c>{node_id, reason}</c>, reason <c>closed</c> or <c>node_died</c> (node_id = the dead node).
    /// </summary>
    public static (byte[] Body, string Type) Presence(PresenceEvent e) => e.Kind switch
    {
        PresenceEventKind.Joined => (Envelope(e.UserId, "", e.Time, UserJoinType, w => w.WriteString("node_id", e.NodeId)), UserJoinType),
        _ => (Envelope(e.UserId, "", e.Time, UserLeaveType, w =>
        {
            w.WriteString("node_id", e.NodeId);
            w.WriteString("reason", e.Kind == PresenceEventKind.NodeDied ? "node_died" : "closed");
        }), UserLeaveType),
    };

    public static byte[] MessageSent(ChatMessage m, bool includeContent) =>
        Envelope(m.FromUserId, includeContent ? m.Content : "", m.SendTime, MessageSentType, w =>
        {
            w.WriteString("msg_id", m.MsgId.ToString(CultureInfo.InvariantCulture));
            w.WriteString("chat_id", m.ChatId);
            w.WriteString("from_user_id", m.FromUserId);
            WriteRecipient(w, m.ChatId, m.ToUserId);
            w.WriteNumber("msg_format", m.MsgFormat);
            w.WriteNumber("seq", m.Seq);
            w.WriteNumber("send_time", m.SendTime);
        });

    /// <summary><c>message_recalled</c>: user_id = the sender who recalled, data = <c>{msg_id, chat_id, from_user_id, to_user_id, recalled_at}</c>.</summary>
    public static byte[] MessageRecalled(MessageRecalled r) =>
        Envelope(r.FromUserId, "", r.Time, MessageRecalledType, w =>
        {
            w.WriteString("msg_id", r.MsgId.ToString(CultureInfo.InvariantCulture));
            w.WriteString("chat_id", r.ChatId);
            w.WriteString("from_user_id", r.FromUserId);
            WriteRecipient(w, r.ChatId, r.ToUserId);
            w.WriteNumber("recalled_at", r.Time);
        });

    /// <summary>
    /// <c>group_changed</c>: user_id = who made the change, data = <c>{group_id, chat_id, kind, actor_id, user_ids, seq,
    /// name?, role?}</c>; kind as on the group topic (<c>created</c>, <c>members_added</c>, <c>members_removed</c>,
    /// <c>left</c>, <c>renamed</c>, <c>role_changed</c>, <c>dismissed</c>), seq = the system message's place in the timeline.
    /// </summary>
    public static byte[] GroupChanged(GroupChanged c) =>
        Envelope(c.Change.ActorId, "", c.Message.SendTime, GroupChangedType, w =>
        {
            w.WriteString("group_id", c.Change.GroupId.ToString(CultureInfo.InvariantCulture));
            w.WriteString("chat_id", c.Message.ChatId);
            w.WriteString("kind", Internal.GroupClusterEventCodec.KindName(c.Change.Kind));
            w.WriteString("actor_id", c.Change.ActorId);
            w.WriteStartArray("user_ids");
            foreach (var userId in c.Change.UserIds)
            {
                w.WriteStringValue(userId);
            }
            w.WriteEndArray();
            w.WriteNumber("seq", c.Message.Seq);
            if (c.Change.Name is not null)
            {
                w.WriteString("name", c.Change.Name);
            }
            if (c.Change.Role is { } role)
            {
                w.WriteString("role", role.ToWire());
            }
        });

    /// <summary>C2C: <c>to_user_id</c>; a group's message: <c>group_id</c>, and <c>to_user_id</c> null (SPEC §13).</summary>
    private static void WriteRecipient(Utf8JsonWriter w, string chatId, string toUserId)
    {
        if (GroupChatIds.TryParseChatId(chatId, out var groupId))
        {
            w.WriteString("group_id", groupId.ToString(CultureInfo.InvariantCulture));
            w.WriteNull("to_user_id");
        }
        else
        {
            w.WriteString("to_user_id", toUserId);
        }
    }

    /// <summary>The seed's body: <c>{"user_id","message","timestamp","type","data"}</c>; <paramref name="data"/> writes the data object's members.</summary>
    private static byte[] Envelope(string userId, string message, long unixMs, string type, Action<Utf8JsonWriter> data)
    {
        using var stream = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("user_id", userId);
            w.WriteString("message", message);
            w.WriteString("timestamp", DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture));
            w.WriteString("type", type);
            w.WriteStartObject("data");
            data(w);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return stream.ToArray();
    }
}
