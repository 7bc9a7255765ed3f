using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImSignalR.Client.Protocol;

/// <summary>
/// The SignalR JSON hub protocol: one UTF-8 JSON object per message, each terminated by 0x1E.
/// Payloads use camelCase, like the server's default serializer.
/// </summary>
internal sealed class JsonWireProtocol : IHubWireProtocol
{
    public const byte RecordSeparator = 0x1E;

    /// <summary>A full sync page (200 messages of 8 KB, escaped) fits with room to spare.</summary>
    public const int MaxMessageBytes = 8 * 1024 * 1024;

    private const int MaxDepth = 64;

    internal static readonly JsonSerializerOptions Serializer = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        MaxDepth = MaxDepth,
    };

    private static readonly JsonDocumentOptions DocumentOptions = new() { MaxDepth = MaxDepth };

    public string Name => "json";

    public WebSocketMessageType MessageType => WebSocketMessageType.Text;

    public void WriteInvocation(IBufferWriter<byte> output, string? invocationId, string target, IReadOnlyList<object?> arguments)
    {
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteNumber("type", (int)HubFrameType.Invocation);
            if (invocationId is not null)
            {
                writer.WriteString("invocationId", invocationId);
            }
            writer.WriteString("target", target);
            writer.WriteStartArray("arguments");
            foreach (var argument in arguments)
            {
                JsonSerializer.Serialize(writer, argument, argument?.GetType() ?? typeof(object), Serializer);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        Terminate(output);
    }

    public void WriteCompletion(IBufferWriter<byte> output, string invocationId, string? error)
    {
        using (var writer = new Utf8JsonWriter(output))
        {
            writer.WriteStartObject();
            writer.WriteNumber("type", (int)HubFrameType.Completion);
            writer.WriteString("invocationId", invocationId);
            if (error is not null)
            {
                writer.WriteString("error", error);
            }
            writer.WriteEndObject();
        }
        Terminate(output);
    }

    public void WritePing(IBufferWriter<byte> output) => WriteRaw(output, "{\"type\":6}"u8);

    public void WriteClose(IBufferWriter<byte> output) => WriteRaw(output, "{\"type\":7}"u8);

    public bool TryParse(ref ReadOnlySequence<byte> buffer, out HubFrame? frame)
    {
        frame = null;
        var end = buffer.PositionOf(RecordSeparator);
        if (end is null)
        {
            if (buffer.Length > MaxMessageBytes)
            {
                throw new ImProtocolException($"A message is larger than {MaxMessageBytes} bytes.");
            }
            return false;
        }
        var payload = buffer.Slice(0, end.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, end.Value));
        frame = Parse(payload);
        return true;
    }

    public T? Convert<T>(object? value) => value switch
    {
        null => default,
        JsonElement element => element.Deserialize<T>(Serializer),
        T typed => typed,
        _ => throw new ImProtocolException($"Cannot convert a {value.GetType().Name} to {typeof(T).Name}."),
    };

    private static HubFrame Parse(ReadOnlySequence<byte> payload)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(payload, DocumentOptions);
        }
        catch (JsonException ex)
        {
            throw new ImProtocolException("A message is not valid JSON.", ex);
        }
        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("type", out var typeElement)
                || typeElement.ValueKind != JsonValueKind.Number || !typeElement.TryGetInt32(out var type))
            {
                throw new ImProtocolException("A message has no numeric 'type'.");
            }
            return new HubFrame
            {
                Type = (HubFrameType)type,
                InvocationId = OptionalString(root, "invocationId"),
                Target = OptionalString(root, "target"),
                Arguments = root.TryGetProperty("arguments", out var args) && args.ValueKind == JsonValueKind.Array
                    ? args.EnumerateArray().Select(a => (object?)a.Clone()).ToArray()
                    : [],
                HasResult = root.TryGetProperty("result", out var result),
                Result = result.ValueKind == JsonValueKind.Undefined ? null : result.Clone(),
                Error = OptionalString(root, "error"),
                AllowReconnect = root.TryGetProperty("allowReconnect", out var allow) && allow.ValueKind == JsonValueKind.True,
            };
        }
    }

    private static string? OptionalString(JsonElement root, string name)
    {
        if (!root.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.String)
        {
            throw new ImProtocolException($"'{name}' must be a string.");
        }
        return value.GetString();
    }

    private static void WriteRaw(IBufferWriter<byte> output, ReadOnlySpan<byte> json)
    {
        output.Write(json);
        Terminate(output);
    }

    private static void Terminate(IBufferWriter<byte> output) => output.Write([RecordSeparator]);
}
