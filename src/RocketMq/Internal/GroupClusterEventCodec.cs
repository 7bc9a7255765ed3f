using System.Globalization;
using System.Text.Json;
using ImSignalR.Domain.Groups;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Messaging;

namespace ImSignalR.RocketMq.Internal;

/// <summary>
/// Group events on the group topic (SPEC §10, docs/rocketmq.md "Group topic"): the same <c>ClusterEvent</c> envelope
/// as <see cref="ClusterEventCodec"/>, types 110 group send, 130 group read, 140 group recall, 150 membership change.
/// Parsing is strict (the chat id must be the group's <c>grp:{groupId}</c>, seqs positive, a change's kind and users
/// present): a body that fails is a <see cref="FormatException"/>, skipped whole by the consumer, never half-applied.
/// </summary>
internal static class GroupClusterEventCodec
{
    public const int GroupSendMsg = 110;
    public const int GroupReadMsg = 130;
    public const int GroupWithdrawMsg = 140;
    public const int GroupChangeMsg = 150;

    /// <summary>Whether <paramref name="logEvent"/> belongs on the group topic (a recall of a group message included).</summary>
    public static bool IsGroupEvent(LogEvent logEvent) =>
        logEvent is GroupMessageSent or GroupReadAdvanced or GroupChanged || (logEvent is MessageRecalled && GroupChatIds.IsGroup(logEvent.ChatId));

    /// <summary>The group topic's <c>clusterEventType</c> of <paramref name="logEvent"/>.</summary>
    public static int TypeOf(LogEvent logEvent) => logEvent switch
    {
        GroupMessageSent => GroupSendMsg,
        GroupReadAdvanced => GroupReadMsg,
        MessageRecalled => GroupWithdrawMsg,
        GroupChanged => GroupChangeMsg,
        _ => throw new ArgumentOutOfRangeException(nameof(logEvent), logEvent.GetType().Name, "Not a group event."),
    };

    /// <summary>The message tag: the event type name.</summary>
    public static string TagOf(LogEvent logEvent) => TypeOf(logEvent) switch
    {
        GroupSendMsg => "GROUP_SEND_MSG",
        GroupReadMsg => "GROUP_READ_MSG",
        GroupWithdrawMsg => "GROUP_WITHDRAW_MSG",
        _ => "GROUP_CHANGE_MSG",
    };

    /// <summary>The message key: the msgId; a read has none, so <c>{chatId}:{userId}:{readSeq}</c>, stable across retries.</summary>
    public static string KeyOf(LogEvent logEvent) => logEvent switch
    {
        GroupMessageSent s => Id(s.Message.MsgId),
        GroupChanged c => Id(c.Message.MsgId),
        MessageRecalled r => Id(r.MsgId),
        GroupReadAdvanced r => string.Create(CultureInfo.InvariantCulture, $"{r.ChatId}:{r.UserId}:{r.ReadSeq}"),
        _ => throw new ArgumentOutOfRangeException(nameof(logEvent)),
    };

    public static byte[] Serialize(LogEvent logEvent) =>
        ClusterEventEnvelope.Write(TypeOf(logEvent), logEvent.ChatId, ClusterEventEnvelope.WriteData(logEvent, WriteData), logEvent.CreateTime);

    private static void WriteData(Utf8JsonWriter w, LogEvent logEvent)
    {
        switch (logEvent)
        {
            case GroupMessageSent s:
                WriteMessage(w, s.Message, s.GroupId);
                break;
            case GroupChanged c:
                WriteMessage(w, c.Message, c.Change.GroupId);
                WriteChange(w, c.Change);
                break;
            case GroupReadAdvanced r:
                w.WriteString("chatId", r.ChatId);
                w.WriteString("groupId", Id(r.GroupId));
                w.WriteString("userId", r.UserId);
                w.WriteNumber("readSeq", r.ReadSeq);
                break;
            case MessageRecalled r:
                w.WriteString("msgId", Id(r.MsgId));
                w.WriteString("chatId", r.ChatId);
                w.WriteString("groupId", Id(GroupChatIds.ParseChatId(r.ChatId)));
                w.WriteString("fromUserId", r.FromUserId);
                w.WriteNumber("withdrawFlag", 1);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(logEvent));
        }
    }

    private static void WriteMessage(Utf8JsonWriter w, ChatMessage m, long groupId)
    {
        w.WriteString("msgId", Id(m.MsgId));
        w.WriteString("chatId", m.ChatId);
        w.WriteString("groupId", Id(groupId));
        w.WriteNumber("msgCreateTime", m.SendTime);
        w.WriteString("fromUserId", m.FromUserId);
        w.WriteNumber("msgFormat", m.MsgFormat);
        w.WriteString("msgContent", m.Content);
        w.WriteString("clientMsgId", m.ClientMsgId);
        w.WriteNumber("seq", m.Seq);
        w.WriteNumber("msgStatus", (int)m.Status);
        if (m.Ext is not null)
        {
            w.WriteString("ext", m.Ext);
        }
        if (m.Mentions is { Count: > 0 } mentions)
        {
            w.WriteStartArray("mentions");
            foreach (var userId in mentions)
            {
                w.WriteStringValue(userId);
            }
            w.WriteEndArray();
        }
    }

    private static void WriteChange(Utf8JsonWriter w, GroupChange change)
    {
        w.WriteStartObject("change");
        w.WriteString("kind", KindName(change.Kind));
        w.WriteString("actorId", change.ActorId);
        w.WriteStartArray("userIds");
        foreach (var userId in change.UserIds)
        {
            w.WriteStringValue(userId);
        }
        w.WriteEndArray();
        if (change.Name is not null)
        {
            w.WriteString("name", change.Name);
        }
        if (change.Role is { } role)
        {
            w.WriteString("role", role.ToWire());
        }
        w.WriteEndObject();
    }

    /// <summary>The wire name of a change kind (the <c>group_changed</c> service event uses the same names).</summary>
    public static string KindName(GroupChangeKind kind) => kind switch
    {
        GroupChangeKind.Created => "created",
        GroupChangeKind.MembersAdded => "members_added",
        GroupChangeKind.MembersRemoved => "members_removed",
        GroupChangeKind.Left => "left",
        GroupChangeKind.Renamed => "renamed",
        GroupChangeKind.RoleChanged => "role_changed",
        _ => "dismissed",
    };

    private static GroupChangeKind ParseKind(string? name) => name switch
    {
        "created" => GroupChangeKind.Created,
        "members_added" => GroupChangeKind.MembersAdded,
        "members_removed" => GroupChangeKind.MembersRemoved,
        "left" => GroupChangeKind.Left,
        "renamed" => GroupChangeKind.Renamed,
        "role_changed" => GroupChangeKind.RoleChanged,
        "dismissed" => GroupChangeKind.Dismissed,
        _ => throw new FormatException($"Unknown change kind '{name}'."),
    };

    /// <exception cref="FormatException">Not a group ClusterEvent this system understands.</exception>
    public static LogEvent Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            return ClusterEventEnvelope.Read(body, Read);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException or OverflowException or ArgumentException)
        {
            throw new FormatException($"Not a group ClusterEvent: {e.Message}", e);
        }
    }

    private static LogEvent Read(int type, long createTime, JsonElement d)
    {
        var (chatId, groupId) = ReadGroup(d);
        return type switch
        {
            GroupSendMsg => new GroupMessageSent(ReadMessage(d, chatId), groupId),
            GroupChangeMsg => ReadChange(d, chatId, groupId),
            GroupReadMsg => new GroupReadAdvanced(chatId, groupId, RequiredString(d, "userId"), Positive(d.GetProperty("readSeq").GetInt64(), "readSeq"), createTime),
            GroupWithdrawMsg => new MessageRecalled(chatId, ReadId(d.GetProperty("msgId")), RequiredString(d, "fromUserId"), string.Empty, createTime),
            _ => throw new FormatException($"Unknown group clusterEventType {type}."),
        };
    }

    /// <summary>The chat id and group id, which must agree: an event of one group is never applied to another.</summary>
    private static (string ChatId, long GroupId) ReadGroup(JsonElement d)
    {
        var chatId = RequiredString(d, "chatId");
        var groupId = ReadId(d.GetProperty("groupId"));
        if (!string.Equals(chatId, GroupChatIds.For(groupId), StringComparison.Ordinal))
        {
            throw new FormatException($"chatId '{chatId}' is not the chat of group {groupId}.");
        }
        return (chatId, groupId);
    }

    private static GroupChanged ReadChange(JsonElement d, string chatId, long groupId)
    {
        var message = ReadMessage(d, chatId);
        var c = d.GetProperty("change");
        var kind = ParseKind(c.GetProperty("kind").GetString());
        var userIds = c.GetProperty("userIds").EnumerateArray().Select(u => u.GetString() is { Length: > 0 } s ? s : throw new FormatException("empty user id")).ToArray();
        var name = c.TryGetProperty("name", out var n) ? n.GetString() : null;
        GroupRole? role = c.TryGetProperty("role", out var r) ? (GroupRoles.TryParse(r.GetString(), out var parsed) ? parsed : throw new FormatException("unknown role")) : null;
        var ok = kind switch
        {
            GroupChangeKind.Created => userIds.Length > 0 && name is { Length: > 0 },
            GroupChangeKind.MembersAdded or GroupChangeKind.MembersRemoved or GroupChangeKind.Left => userIds.Length > 0,
            GroupChangeKind.Renamed => name is { Length: > 0 },
            GroupChangeKind.RoleChanged => userIds.Length == 1 && role is not null,
            _ => true,
        };
        if (!ok || !GroupSystemMessages.IsSystemFormat(message.MsgFormat))
        {
            throw new FormatException($"A '{KindName(kind)}' change lacks what it needs (users, name or role) or is not a system message.");
        }
        return new GroupChanged(message, new GroupChange(kind, groupId, RequiredString(c, "actorId"), userIds, name, role));
    }

    private static ChatMessage ReadMessage(JsonElement d, string chatId) => new(
        ReadId(d.GetProperty("msgId")),
        RequiredString(d, "clientMsgId"),
        chatId,
        Positive(d.GetProperty("seq").GetInt64(), "seq"),
        RequiredString(d, "fromUserId"),
        string.Empty,
        d.GetProperty("msgContent").GetString() ?? throw new FormatException("msgContent is null"),
        d.GetProperty("msgFormat").GetInt32(),
        d.TryGetProperty("ext", out var ext) && ext.ValueKind == JsonValueKind.String ? ext.GetString() : null,
        d.GetProperty("msgCreateTime").GetInt64(),
        (MessageStatus)d.GetProperty("msgStatus").GetInt32(),
        Mentions: d.TryGetProperty("mentions", out var m) ? m.EnumerateArray().Select(x => x.GetString() ?? throw new FormatException("null mention")).ToArray() : null);

    private static string RequiredString(JsonElement e, string name) =>
        e.GetProperty(name).GetString() is { Length: > 0 } s ? s : throw new FormatException($"{name} is empty.");

    private static long Positive(long value, string name) => value > 0 ? value : throw new FormatException($"{name} must be positive.");

    private static long ReadId(JsonElement e) => Positive(ClusterEventEnvelope.ReadId(e), "an id");

    private static string Id(long id) => ClusterEventEnvelope.Id(id);
}
