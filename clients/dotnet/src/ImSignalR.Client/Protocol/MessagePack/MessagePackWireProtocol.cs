using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Client.Protocol.MessagePack;

/// <summary>
/// The SignalR MessagePack hub protocol (HubProtocol.md, version 1 framing), as this project's server
/// speaks it: each message is [VarInt length][MessagePack array]; DTOs are maps with camelCase keys
/// (the JSON names), msgIds are strings. Layouts the client reads and writes:
///   1 Invocation  [1, headers, invocationId|nil, target, [args], [streamIds]?]
///   3 Completion  [3, headers, invocationId, kind (1 error, 2 void, 3 result), error|result?]
///   6 Ping        [6]
///   7 Close       [7, error|nil, allowReconnect?]
/// Other types (stream items, acks, sequences) are consumed and reported with their type only;
/// elements past the listed ones are ignored, as newer peers may add some.
/// </summary>
internal sealed class MessagePackWireProtocol : IHubWireProtocol
{
    /// <summary>Same bound as the JSON protocol: a full sync page fits with room to spare, and a declared
    /// length above it is refused before a byte of the payload is buffered.</summary>
    public const int MaxMessageBytes = JsonWireProtocol.MaxMessageBytes;

    private const int CompletionError = 1;
    private const int CompletionVoid = 2;
    private const int CompletionResult = 3;

    private static readonly byte[] FramedPing = [0x02, 0x91, 0x06];

    private static readonly MessagePackReaderOptions ReaderOptions = new() { MaxMessageSize = MaxMessageBytes };

    public string Name => "messagepack";

    public WebSocketMessageType MessageType => WebSocketMessageType.Binary;

    public void WriteInvocation(IBufferWriter<byte> output, string? invocationId, string target, IReadOnlyList<object?> arguments) =>
        WriteFramed(output, (ref MessagePackWriter writer) =>
        {
            writer.WriteArrayHeader(6);
            writer.Write((long)HubFrameType.Invocation);
            writer.WriteMapHeader(0);
            writer.Write(invocationId);
            writer.Write(target);
            writer.WriteArrayHeader(arguments.Count);
            foreach (var argument in arguments)
            {
                var element = JsonSerializer.SerializeToElement(argument, argument?.GetType() ?? typeof(object), JsonWireProtocol.Serializer);
                MessagePackJsonBridge.WriteValue(ref writer, element);
            }
            writer.WriteArrayHeader(0);
        });

    public void WriteCompletion(IBufferWriter<byte> output, string invocationId, string? error) =>
        WriteFramed(output, (ref MessagePackWriter writer) =>
        {
            writer.WriteArrayHeader(error is null ? 4 : 5);
            writer.Write((long)HubFrameType.Completion);
            writer.WriteMapHeader(0);
            writer.Write(invocationId);
            writer.Write(error is null ? CompletionVoid : (long)CompletionError);
            if (error is not null)
            {
                writer.Write(error);
            }
        });

    // A ping never changes: length 2, then [6] (91 06).
    public void WritePing(IBufferWriter<byte> output) => output.Write<byte>(FramedPing);

    public void WriteClose(IBufferWriter<byte> output) =>
        WriteFramed(output, (ref MessagePackWriter writer) =>
        {
            writer.WriteArrayHeader(2);
            writer.Write((long)HubFrameType.Close);
            writer.WriteNil();
        });

    public bool TryParse(ref ReadOnlySequence<byte> buffer, out HubFrame? frame)
    {
        frame = null;
        long length;
        int prefixLength;
        try
        {
            if (!VarIntFraming.TryReadLength(buffer, out length, out prefixLength))
            {
                return false;
            }
        }
        catch (MessagePackProtocolException ex)
        {
            throw new ImProtocolException("Invalid VarInt length prefix: " + ex.Message, ex);
        }
        if (length > MaxMessageBytes)
        {
            throw new ImProtocolException($"A message declares {length} bytes; the limit is {MaxMessageBytes}.");
        }
        if (length == 0)
        {
            throw new ImProtocolException("A message is empty.");
        }
        if (buffer.Length < prefixLength + length)
        {
            return false;
        }
        var payload = buffer.Slice(prefixLength, length);
        buffer = buffer.Slice(payload.End);
        try
        {
            frame = Parse(payload);
        }
        catch (MessagePackProtocolException ex)
        {
            throw new ImProtocolException(ex.Message, ex);
        }
        catch (JsonException ex)
        {
            throw new ImProtocolException("A MessagePack value cannot be represented: " + ex.Message, ex);
        }
        return true;
    }

    public T? Convert<T>(object? value) => value switch
    {
        null => default,
        JsonElement element => element.Deserialize<T>(JsonWireProtocol.Serializer),
        T typed => typed,
        _ => throw new ImProtocolException($"Cannot convert a {value.GetType().Name} to {typeof(T).Name}."),
    };

    private static HubFrame Parse(ReadOnlySequence<byte> payload)
    {
        var reader = new MessagePackReader(payload, ReaderOptions);
        if (reader.NextType != MessagePackType.Array)
        {
            throw new ImProtocolException("A MessagePack message is not an array.");
        }
        var count = reader.ReadArrayHeader();
        if (count == 0)
        {
            throw new ImProtocolException("A MessagePack message is an empty array.");
        }
        var type = (HubFrameType)reader.ReadInt32();
        return type switch
        {
            HubFrameType.Invocation => ReadInvocation(ref reader, count),
            HubFrameType.Completion => ReadCompletion(ref reader, count),
            HubFrameType.Close => ReadClose(ref reader, count),
            _ => new HubFrame { Type = type },
        };
    }

    private static HubFrame ReadInvocation(ref MessagePackReader reader, int count)
    {
        Require(count, 5, "Invocation");
        reader.Skip(); // headers
        var invocationId = ReadOptionalString(ref reader, "invocationId");
        var target = ReadOptionalString(ref reader, "target") ?? throw new ImProtocolException("An invocation has no target.");
        if (reader.NextType != MessagePackType.Array)
        {
            throw new ImProtocolException("Invocation arguments are not an array.");
        }
        var argumentCount = reader.ReadArrayHeader();
        var arguments = new object?[argumentCount];
        for (var i = 0; i < argumentCount; i++)
        {
            arguments[i] = MessagePackJsonBridge.ReadValue(ref reader);
        }
        return new HubFrame
        {
            Type = HubFrameType.Invocation,
            InvocationId = string.IsNullOrEmpty(invocationId) ? null : invocationId,
            Target = target,
            Arguments = arguments,
        };
    }

    private static HubFrame ReadCompletion(ref MessagePackReader reader, int count)
    {
        Require(count, 4, "Completion");
        reader.Skip(); // headers
        var invocationId = ReadOptionalString(ref reader, "invocationId") ?? throw new ImProtocolException("A completion has no invocation id.");
        var kind = reader.ReadInt32();
        switch (kind)
        {
            case CompletionError:
                Require(count, 5, "Completion");
                return new HubFrame
                {
                    Type = HubFrameType.Completion,
                    InvocationId = invocationId,
                    Error = ReadOptionalString(ref reader, "error") ?? "The server sent an error completion without a message.",
                };
            case CompletionVoid:
                return new HubFrame { Type = HubFrameType.Completion, InvocationId = invocationId };
            case CompletionResult:
                Require(count, 5, "Completion");
                return new HubFrame
                {
                    Type = HubFrameType.Completion,
                    InvocationId = invocationId,
                    HasResult = true,
                    Result = MessagePackJsonBridge.ReadValue(ref reader),
                };
            default:
                throw new ImProtocolException($"Unknown completion kind {kind}.");
        }
    }

    private static HubFrame ReadClose(ref MessagePackReader reader, int count)
    {
        Require(count, 2, "Close");
        var error = ReadOptionalString(ref reader, "error");
        var allowReconnect = false;
        if (count > 2)
        {
            if (reader.NextType != MessagePackType.Boolean)
            {
                throw new ImProtocolException("'allowReconnect' must be a boolean.");
            }
            allowReconnect = reader.ReadBoolean();
        }
        return new HubFrame { Type = HubFrameType.Close, Error = error, AllowReconnect = allowReconnect };
    }

    private static string? ReadOptionalString(ref MessagePackReader reader, string name)
    {
        if (reader.TryReadNil())
        {
            return null;
        }
        if (reader.NextType != MessagePackType.String)
        {
            throw new ImProtocolException($"'{name}' must be a string.");
        }
        return reader.ReadString();
    }

    private static void Require(int count, int minimum, string what)
    {
        if (count < minimum)
        {
            throw new ImProtocolException($"A {what} message has {count} elements; at least {minimum} are needed.");
        }
    }

    private delegate void Payload(ref MessagePackWriter writer);

    private static void WriteFramed(IBufferWriter<byte> output, Payload write)
    {
        var payload = new ArrayBufferWriter<byte>(128);
        var writer = new MessagePackWriter(payload);
        write(ref writer);
        Span<byte> prefix = stackalloc byte[VarIntFraming.MaxPrefixLength];
        output.Write(prefix[..VarIntFraming.WriteLength(prefix, payload.WrittenCount)]);
        output.Write(payload.WrittenSpan);
    }
}
