using System.Buffers;
using System.Globalization;
using System.Text.Json;
using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Client.Protocol.MessagePack;

/// <summary>
/// Moves values between MessagePack and <see cref="JsonElement"/>, so the MessagePack protocol binds
/// arguments and results with exactly the System.Text.Json rules (camelCase, required members) the
/// JSON protocol uses: one set of models, one binding behaviour, whatever the wire.
/// Mapping: map ⇄ object (keys must be strings), array ⇄ array, str ⇄ string, int/float ⇄ number,
/// bool, nil ⇄ null, bin → base64 string (what System.Text.Json reads into byte[]),
/// timestamp extension → ISO-8601 string; other extensions are refused.
/// </summary>
internal static class MessagePackJsonBridge
{
    /// <summary>Reads one value (depth-limited by the reader's options) and returns it as a detached element.</summary>
    public static JsonElement ReadValue(ref MessagePackReader reader)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { SkipValidation = true }))
        {
            Copy(ref reader, writer);
        }
        using var document = JsonDocument.Parse(buffer.WrittenMemory, new JsonDocumentOptions { MaxDepth = reader.Options.MaxDepth + 1 });
        return document.RootElement.Clone();
    }

    /// <summary>Writes an element as MessagePack: integers as the shortest int, other numbers as float64.</summary>
    public static void WriteValue(ref MessagePackWriter writer, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                writer.EnterNested();
                writer.WriteMapHeader(element.EnumerateObject().Count());
                foreach (var property in element.EnumerateObject())
                {
                    writer.Write(property.Name);
                    WriteValue(ref writer, property.Value);
                }
                writer.ExitNested();
                break;
            case JsonValueKind.Array:
                writer.EnterNested();
                writer.WriteArrayHeader(element.GetArrayLength());
                foreach (var item in element.EnumerateArray())
                {
                    WriteValue(ref writer, item);
                }
                writer.ExitNested();
                break;
            case JsonValueKind.String:
                writer.Write(element.GetString());
                break;
            case JsonValueKind.Number when element.TryGetInt64(out var integer):
                writer.Write(integer);
                break;
            case JsonValueKind.Number when element.TryGetUInt64(out var unsigned):
                writer.Write(unsigned);
                break;
            case JsonValueKind.Number:
                writer.Write(element.GetDouble());
                break;
            case JsonValueKind.True:
                writer.Write(true);
                break;
            case JsonValueKind.False:
                writer.Write(false);
                break;
            default:
                writer.WriteNil();
                break;
        }
    }

    private static void Copy(ref MessagePackReader reader, Utf8JsonWriter writer)
    {
        switch (reader.NextType)
        {
            case MessagePackType.Nil:
                reader.ReadNil();
                writer.WriteNullValue();
                break;
            case MessagePackType.Boolean:
                writer.WriteBooleanValue(reader.ReadBoolean());
                break;
            case MessagePackType.Integer:
                var integer = reader.ReadInteger();
                if (integer >= long.MinValue && integer <= long.MaxValue)
                {
                    writer.WriteNumberValue((long)integer);
                }
                else
                {
                    writer.WriteNumberValue((ulong)integer);
                }
                break;
            case MessagePackType.Float:
                var number = reader.ReadDouble();
                if (!double.IsFinite(number))
                {
                    throw new ImProtocolException("A MessagePack float is NaN or infinite, which no model can hold.");
                }
                writer.WriteNumberValue(number);
                break;
            case MessagePackType.String:
                writer.WriteStringValue(reader.ReadString());
                break;
            case MessagePackType.Binary:
                writer.WriteBase64StringValue(reader.ReadBinarySequence().ToArray());
                break;
            case MessagePackType.Array:
                reader.EnterNested();
                var count = reader.ReadArrayHeader();
                writer.WriteStartArray();
                for (var i = 0; i < count; i++)
                {
                    Copy(ref reader, writer);
                }
                writer.WriteEndArray();
                reader.ExitNested();
                break;
            case MessagePackType.Map:
                reader.EnterNested();
                var pairs = reader.ReadMapHeader();
                writer.WriteStartObject();
                for (var i = 0; i < pairs; i++)
                {
                    if (reader.NextType != MessagePackType.String)
                    {
                        throw new ImProtocolException($"A MessagePack map key at position {reader.Consumed} is not a string.");
                    }
                    writer.WritePropertyName(reader.ReadString()!);
                    Copy(ref reader, writer);
                }
                writer.WriteEndObject();
                reader.ExitNested();
                break;
            case MessagePackType.Extension:
                writer.WriteStringValue(reader.ReadDateTime().ToString("O", CultureInfo.InvariantCulture));
                break;
            default:
                throw new ImProtocolException($"Invalid MessagePack format byte at position {reader.Consumed}.");
        }
    }
}
