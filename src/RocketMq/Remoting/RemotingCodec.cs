using System.Buffers;
using System.Buffers.Binary;
using ImSignalR.RocketMq.Remoting.Internal;

namespace ImSignalR.RocketMq.Remoting;

/// <summary>
/// The remoting frame (doc §1, <c>RemotingCommand.encode/decode</c>, <c>NettyDecoder</c>). Big-endian:
/// <code>
/// int32  length           = 4 + headerLen + bodyLen   (does not count itself)
/// int32  serializeAndLen  = (serializeType &lt;&lt; 24) | headerLen   (type 0 JSON, 1 ROCKETMQ binary)
/// byte[] header ; byte[] body
/// </code>
/// The receiver takes the serialize type from the high byte only, so both are decoded on every frame:
/// ≤ 4.9.3 and 5.x servers answer in their own configured type, 4.9.4–4.9.8 mirror the request (§1.3).
/// </summary>
internal static class RemotingCodec
{
    private const int PrefixLength = 8;

    /// <summary>
    /// Reads one frame from the start of <paramref name="buffer"/>. Returns false and consumes nothing when the
    /// frame is incomplete; on success advances <paramref name="buffer"/> past it.
    /// </summary>
    /// <exception cref="RocketMqProtocolException">The frame is malformed or over <see cref="RemotingLimits.MaxFrameLength"/>.</exception>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out RemotingCommand? command)
    {
        command = null;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryReadBigEndian(out int length))
        {
            return false;
        }
        if (length < 4 || length > RemotingLimits.MaxFrameLength)
        {
            throw RocketMqProtocolException.Malformed($"frame length {length} outside 4..{RemotingLimits.MaxFrameLength}", buffer.Slice(0, Math.Min(buffer.Length, 64)));
        }
        if (reader.Remaining < length)
        {
            return false;
        }
        reader.TryReadBigEndian(out int serializeAndLen);
        var type = (byte)((uint)serializeAndLen >> 24);
        var headerLength = serializeAndLen & RemotingLimits.MaxHeaderLength;
        if (headerLength > length - 4)
        {
            throw RocketMqProtocolException.Malformed($"header length {headerLength} exceeds frame length {length}", buffer.Slice(0, Math.Min(buffer.Length, 64)));
        }
        var header = buffer.Slice(PrefixLength, headerLength);
        command = type switch
        {
            (byte)RemotingSerializeType.Json => JsonHeaderCodec.Decode(header),
            (byte)RemotingSerializeType.RocketMq => BinaryHeaderCodec.Decode(header),
            _ => throw RocketMqProtocolException.Malformed($"unknown serialize type {type}", buffer.Slice(0, Math.Min(buffer.Length, 64))),
        };
        command.SerializeType = (RemotingSerializeType)type;
        var bodyLength = length - 4 - headerLength;
        command.Body = bodyLength == 0 ? ReadOnlyMemory<byte>.Empty : buffer.Slice(PrefixLength + headerLength, bodyLength).ToArray();
        buffer = buffer.Slice(4 + (long)length);
        return true;
    }

    /// <summary>Writes <paramref name="command"/> as one frame, with its header in <see cref="RemotingCommand.SerializeType"/>.</summary>
    public static void Write(RemotingCommand command, IBufferWriter<byte> output)
    {
        var header = new ArrayBufferWriter<byte>(256);
        if (command.SerializeType == RemotingSerializeType.RocketMq)
        {
            BinaryHeaderCodec.Encode(command, header);
        }
        else
        {
            JsonHeaderCodec.Encode(command, header);
        }
        var headerLength = header.WrittenCount;
        var length = 4L + headerLength + command.Body.Length;
        if (length > RemotingLimits.MaxFrameLength || headerLength > RemotingLimits.MaxHeaderLength)
        {
            throw new RocketMqProtocolException($"Frame of {length} bytes exceeds the {RemotingLimits.MaxFrameLength}-byte limit.");
        }
        var prefix = output.GetSpan(PrefixLength);
        BinaryPrimitives.WriteInt32BigEndian(prefix, (int)length);
        BinaryPrimitives.WriteInt32BigEndian(prefix[4..], ((int)command.SerializeType << 24) | headerLength);
        output.Advance(PrefixLength);
        output.Write(header.WrittenSpan);
        if (!command.Body.IsEmpty)
        {
            output.Write(command.Body.Span);
        }
    }

    public static byte[] ToArray(RemotingCommand command)
    {
        var writer = new ArrayBufferWriter<byte>(256 + command.Body.Length);
        Write(command, writer);
        return writer.WrittenSpan.ToArray();
    }
}
