using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ImSignalR.RocketMq.Internal;

/// <summary>
/// The <c>ClusterEvent</c> envelope both topics share (SPEC §6, §10):
/// <c>{"clusterEventType":n,"balanceId":chatId,"data":"&lt;JSON string&gt;","createTime":epochMs}</c>. The C2C and the
/// group codec each own their types and data shapes; the envelope, the JSON writer settings and the id format are here.
/// </summary>
internal static class ClusterEventEnvelope
{
    // Content goes out as written (no \u escapes of non-ASCII), as the Java producers write it.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static byte[] Write(int type, string balanceId, string data, long createTime)
    {
        using var stream = new MemoryStream(256 + data.Length);
        using (var w = new Utf8JsonWriter(stream, WriterOptions))
        {
            w.WriteStartObject();
            w.WriteNumber("clusterEventType", type);
            w.WriteString("balanceId", balanceId);
            w.WriteString("data", data);
            w.WriteNumber("createTime", createTime);
            w.WriteEndObject();
        }
        return stream.ToArray();
    }

    /// <summary>The <c>data</c> string: one JSON object whose members <paramref name="writeMembers"/> writes.</summary>
    public static string WriteData<TState>(TState state, Action<Utf8JsonWriter, TState> writeMembers)
    {
        using var stream = new MemoryStream(256);
        using (var w = new Utf8JsonWriter(stream, WriterOptions))
        {
            w.WriteStartObject();
            writeMembers(w, state);
            w.WriteEndObject();
        }
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    /// <summary>
    /// Parses the envelope and its <c>data</c> and hands the type, the create time (0 when absent) and the data object to
    /// <paramref name="read"/>. JSON and shape errors surface as the <see cref="JsonException"/>,
    /// <see cref="KeyNotFoundException"/> or <see cref="InvalidOperationException"/> they are; each codec maps them.
    /// </summary>
    public static T Read<T>(ReadOnlySpan<byte> body, Func<int, long, JsonElement, T> read)
    {
        using var envelope = JsonDocument.Parse(body.ToArray());
        var root = envelope.RootElement;
        var type = root.GetProperty("clusterEventType").GetInt32();
        var createTime = root.TryGetProperty("createTime", out var ct) && ct.ValueKind == JsonValueKind.Number ? ct.GetInt64() : 0;
        using var data = JsonDocument.Parse(root.GetProperty("data").GetString() ?? throw new FormatException("data is null"));
        return read(type, createTime, data.RootElement);
    }

    /// <summary>An id as the Java DTOs carry it: a decimal string (a number is accepted too).</summary>
    public static long ReadId(JsonElement e) => e.ValueKind == JsonValueKind.Number
        ? e.GetInt64()
        : long.Parse(e.GetString()!, NumberStyles.None, CultureInfo.InvariantCulture);

    public static string Id(long id) => id.ToString(CultureInfo.InvariantCulture);
}
