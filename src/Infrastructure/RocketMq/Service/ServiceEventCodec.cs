using System.Globalization;
using System.Text.Json;
using ImSignalR.Domain.Messaging;

namespace ImSignalR.Infrastructure.RocketMq.Service;

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

    /// <summary><c>message_recalled</c>: user_id = the sender who recalled, data = <c>{msg_id, chat_id, from_user_id, to_user_id, recalled_at}</c>.</summary>
    public static byte[] MessageRecalled(MessageRecalled r)
    {
        using var stream = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("user_id", r.FromUserId);
            w.WriteString("message", "");
            w.WriteString("timestamp", Timestamp(r.Time));
            w.WriteString("type", MessageRecalledType);
            w.WriteStartObject("data");
            w.WriteString("msg_id", r.MsgId.ToString(CultureInfo.InvariantCulture));
            w.WriteString("chat_id", r.ChatId);
            w.WriteString("from_user_id", r.FromUserId);
            w.WriteString("to_user_id", r.ToUserId);
            w.WriteNumber("recalled_at", r.Time);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    private static string Timestamp(long unixMs) =>
        DateTimeOffset.FromUnixTimeMilliseconds(unixMs).UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);

    public static byte[] MessageSent(ChatMessage m, bool includeContent)
    {
        using var stream = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(stream))
        {
            w.WriteStartObject();
            w.WriteString("user_id", m.FromUserId);
            w.WriteString("message", includeContent ? m.Content : "");
            w.WriteString("timestamp", Timestamp(m.SendTime));
            w.WriteString("type", MessageSentType);
            w.WriteStartObject("data");
            w.WriteString("msg_id", m.MsgId.ToString(CultureInfo.InvariantCulture));
            w.WriteString("chat_id", m.ChatId);
            w.WriteString("from_user_id", m.FromUserId);
            w.WriteString("to_user_id", m.ToUserId);
            w.WriteNumber("msg_format", m.MsgFormat);
            w.WriteNumber("seq", m.Seq);
            w.WriteNumber("send_time", m.SendTime);
            w.WriteEndObject();
            w.WriteEndObject();
        }
        return stream.ToArray();
    }
}
