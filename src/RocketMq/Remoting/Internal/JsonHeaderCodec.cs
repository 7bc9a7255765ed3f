using System.Buffers;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace ImSignalR.RocketMq.Remoting.Internal;

/// <summary>
/// The JSON header: fastjson's serialisation of RemotingCommand (doc §1.1). Keys in fastjson's alphabetical
/// order, nulls left out: <c>code, extFields, flag, language, opaque, remark, serializeTypeCurrentRPC, version</c>.
/// Control characters in strings (the 0x01/0x02 property separators) are written as <c>\u0001</c>, like fastjson;
/// other characters stay raw UTF-8 (fastjson does not escape non-ASCII).
/// </summary>
internal static class JsonHeaderCodec
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        SkipValidation = true,
    };

    public static void Encode(RemotingCommand command, IBufferWriter<byte> output)
    {
        using var writer = new Utf8JsonWriter(output, WriterOptions);
        writer.WriteStartObject();
        writer.WriteNumber("code"u8, command.Code);
        if (command.ExtFields is { Count: > 0 } ext)
        {
            writer.WriteStartObject("extFields"u8);
            foreach (var (key, value) in ext)
            {
                writer.WriteString(key, value);
            }
            writer.WriteEndObject();
        }
        writer.WriteNumber("flag"u8, command.Flag);
        writer.WriteString("language"u8, command.Language);
        writer.WriteNumber("opaque"u8, command.Opaque);
        if (command.Remark is not null)
        {
            writer.WriteString("remark"u8, command.Remark);
        }
        writer.WriteString("serializeTypeCurrentRPC"u8, "JSON"u8);
        writer.WriteNumber("version"u8, command.Version);
        writer.WriteEndObject();
    }

    public static RemotingCommand Decode(ReadOnlySequence<byte> header)
    {
        try
        {
            var reader = new Utf8JsonReader(header, new JsonReaderOptions { AllowTrailingCommas = true });
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                throw RocketMqProtocolException.Malformed("JSON header is not an object", header);
            }
            var command = new RemotingCommand { Language = LanguageCode.Java };
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                var name = reader.GetString();
                reader.Read();
                switch (name)
                {
                    case "code": command.Code = reader.GetInt32(); break;
                    case "flag": command.Flag = reader.GetInt32(); break;
                    case "opaque": command.Opaque = reader.GetInt32(); break;
                    case "version": command.Version = reader.GetInt32(); break;
                    case "language":
                        command.Language = reader.TokenType == JsonTokenType.Number
                            ? LanguageCode.FromByte(reader.GetByte())
                            : reader.GetString() ?? LanguageCode.Java;
                        break;
                    case "remark": command.Remark = reader.TokenType == JsonTokenType.Null ? null : reader.GetString(); break;
                    case "extFields": command.ExtFields = ReadExtFields(ref reader, header); break;
                    default: reader.Skip(); break;
                }
            }
            if (reader.TokenType != JsonTokenType.EndObject)
            {
                throw RocketMqProtocolException.Malformed("JSON header is not a flat object", header);
            }
            return command;
        }
        catch (Exception e) when (e is JsonException or InvalidOperationException or FormatException)
        {
            throw new RocketMqProtocolException($"Malformed RocketMQ JSON header: {e.Message}", null, e);
        }
    }

    private static Dictionary<string, string>? ReadExtFields(ref Utf8JsonReader reader, ReadOnlySequence<byte> header)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }
        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw RocketMqProtocolException.Malformed("extFields is not an object", header);
        }
        var ext = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var key = reader.GetString()!;
            reader.Read();
            // Every value is a string on the wire; tolerate numbers/booleans from lenient writers.
            string? value = reader.TokenType switch
            {
                JsonTokenType.String => reader.GetString(),
                JsonTokenType.Number => System.Text.Encoding.UTF8.GetString(reader.HasValueSequence ? reader.ValueSequence.ToArray() : reader.ValueSpan),
                JsonTokenType.True => "true",
                JsonTokenType.False => "false",
                JsonTokenType.Null => null,
                _ => throw RocketMqProtocolException.Malformed($"extFields value of '{key}' is not a scalar", header),
            };
            if (value is not null)
            {
                ext[key] = value;
            }
            if (ext.Count > RemotingLimits.MaxExtFields)
            {
                throw RocketMqProtocolException.Malformed("too many extFields", header);
            }
        }
        return ext;
    }
}
