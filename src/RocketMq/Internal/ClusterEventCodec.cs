using System.Text.Json;
using ImSignalR.Domain.Messaging;

namespace ImSignalR.RocketMq.Internal;

/// <summary>
/// The Java <c>ClusterEvent</c> body (SPEC §6), as <c>im-business</c> reads it:
/// <c>{"clusterEventType":10|20|30,"balanceId":chatId,"data":"&lt;JSON string&gt;","createTime":epochMs}</c>.
/// <c>data</c> for 10/20: msgId, chatId, msgCreateTime, fromUserId, toUserId, msgFormat, msgContent, clientMsgId,
/// seq, msgStatus; for 30: msgId (the first acked id), chatId, fromUserId, toUserId, msgIds, msgStatus; for 40 (recall,
/// the Java <c>C2C_CLIENT_WITHDRAW_MSG</c>): msgId, chatId, fromUserId, toUserId, withdrawFlag = 1.
/// Ids are JSON strings: the Java DTOs (<c>CommonMsgAO.msgId</c>, <c>C2CReceivedMsgAckAO.msgIds</c>) declare them
/// <c>String</c>, and SPEC §3 puts 64-bit ids on the wire as decimal strings. Two extra keys carry what the store
/// needs and SPEC's list lacks: <c>ext</c> (only when the message has one) and <c>maxSeq</c> on acks; Java's Jackson
/// (Spring Boot default) and fastjson ignore unknown keys. Parsing accepts ids as strings or numbers.
/// </summary>
internal static class ClusterEventCodec
{
    public const int SendMsg = 10;
    public const int OfflineMsg = 20;
    public const int ReceivedAckMsg = 30;
    public const int WithdrawMsg = 40;

    /// <summary>The message tag: the Java event type name.</summary>
    public static string TagOf(LogEvent logEvent) => logEvent.ClusterEventType switch
    {
        SendMsg => "C2C_SEND_MSG",
        OfflineMsg => "C2C_OFF_LINE_MSG",
        ReceivedAckMsg => "C2C_CLIENT_RECEIVED_ACK_MSG",
        WithdrawMsg => "C2C_CLIENT_WITHDRAW_MSG",
        var other => throw new ArgumentOutOfRangeException(nameof(logEvent), other, "Unknown cluster event type."),
    };

    /// <summary>The message key: the msgId (for an ack, the first acked msgId).</summary>
    public static string KeyOf(LogEvent logEvent) => logEvent switch
    {
        MessageSent s => Id(s.Message.MsgId),
        MessageOffline o => Id(o.Message.MsgId),
        MessagesAcked a => a.MsgIds.Count > 0 ? Id(a.MsgIds[0]) : a.ChatId,
        MessageRecalled r => Id(r.MsgId),
        _ => throw new ArgumentOutOfRangeException(nameof(logEvent)),
    };

    public static byte[] Serialize(LogEvent logEvent) =>
        ClusterEventEnvelope.Write(logEvent.ClusterEventType, logEvent.ChatId, ClusterEventEnvelope.WriteData(logEvent, WriteData), logEvent.CreateTime);

    private static void WriteData(Utf8JsonWriter w, LogEvent logEvent)
    {
        switch (logEvent)
        {
            case MessageSent s:
                WriteMessage(w, s.Message, (int)s.Message.Status);
                break;
            case MessageOffline o:
                WriteMessage(w, o.Message, (int)MessageStatus.Offline);
                break;
            case MessagesAcked a:
                w.WriteString("msgId", a.MsgIds.Count > 0 ? Id(a.MsgIds[0]) : "");
                w.WriteString("chatId", a.ChatId);
                w.WriteString("fromUserId", a.FromUserId);
                w.WriteString("toUserId", a.ToUserId);
                w.WriteStartArray("msgIds");
                foreach (var id in a.MsgIds)
                {
                    w.WriteStringValue(Id(id));
                }
                w.WriteEndArray();
                w.WriteNumber("msgStatus", (int)a.Status);
                w.WriteNumber("maxSeq", a.MaxSeq);
                break;
            case MessageRecalled r:
                // The Java im-connect's withdraw data: {msgId, chatId, fromUserId, toUserId, withdrawFlag}.
                w.WriteString("msgId", Id(r.MsgId));
                w.WriteString("chatId", r.ChatId);
                w.WriteString("fromUserId", r.FromUserId);
                w.WriteString("toUserId", r.ToUserId);
                w.WriteNumber("withdrawFlag", 1);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(logEvent));
        }
    }

    private static void WriteMessage(Utf8JsonWriter w, ChatMessage m, int status)
    {
        w.WriteString("msgId", Id(m.MsgId));
        w.WriteString("chatId", m.ChatId);
        w.WriteNumber("msgCreateTime", m.SendTime);
        w.WriteString("fromUserId", m.FromUserId);
        w.WriteString("toUserId", m.ToUserId);
        w.WriteNumber("msgFormat", m.MsgFormat);
        w.WriteString("msgContent", m.Content);
        w.WriteString("clientMsgId", m.ClientMsgId);
        w.WriteNumber("seq", m.Seq);
        w.WriteNumber("msgStatus", status);
        if (m.Ext is not null)
        {
            w.WriteString("ext", m.Ext);
        }
    }

    /// <exception cref="FormatException">Not a ClusterEvent this system understands.</exception>
    public static LogEvent Parse(ReadOnlySpan<byte> body)
    {
        try
        {
            return ClusterEventEnvelope.Read(body, Read);
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new FormatException($"Not a ClusterEvent: {e.Message}", e);
        }
    }

    private static LogEvent Read(int type, long createTime, JsonElement d)
    {
        switch (type)
        {
            case SendMsg:
                return new MessageSent(ReadMessage(d));
            case OfflineMsg:
                return new MessageOffline(ReadMessage(d), createTime);
            case ReceivedAckMsg:
                var ids = d.GetProperty("msgIds").EnumerateArray().Select(ReadId).ToList();
                return new MessagesAcked(
                    d.GetProperty("chatId").GetString()!,
                    d.GetProperty("fromUserId").GetString()!,
                    d.GetProperty("toUserId").GetString()!,
                    ids,
                    (MessageStatus)d.GetProperty("msgStatus").GetInt32(),
                    d.TryGetProperty("maxSeq", out var maxSeq) ? maxSeq.GetInt64() : 0,
                    createTime);
            case WithdrawMsg:
                return new MessageRecalled(
                    d.GetProperty("chatId").GetString()!,
                    ReadId(d.GetProperty("msgId")),
                    d.GetProperty("fromUserId").GetString()!,
                    d.GetProperty("toUserId").GetString()!,
                    createTime);
            default:
                throw new FormatException($"Unknown clusterEventType {type}.");
        }
    }

    private static ChatMessage ReadMessage(JsonElement d) => new(
        ReadId(d.GetProperty("msgId")),
        d.GetProperty("clientMsgId").GetString()!,
        d.GetProperty("chatId").GetString()!,
        d.GetProperty("seq").GetInt64(),
        d.GetProperty("fromUserId").GetString()!,
        d.GetProperty("toUserId").GetString()!,
        d.GetProperty("msgContent").GetString()!,
        d.GetProperty("msgFormat").GetInt32(),
        d.TryGetProperty("ext", out var ext) && ext.ValueKind == JsonValueKind.String ? ext.GetString() : null,
        d.GetProperty("msgCreateTime").GetInt64(),
        (MessageStatus)d.GetProperty("msgStatus").GetInt32());

    private static long ReadId(JsonElement e) => ClusterEventEnvelope.ReadId(e);

    private static string Id(long id) => ClusterEventEnvelope.Id(id);
}
