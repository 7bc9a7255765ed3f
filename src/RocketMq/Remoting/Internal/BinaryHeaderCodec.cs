using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ImSignalR.RocketMq.Remoting.Internal;

/// <summary>
/// The ROCKETMQ binary header (doc §1.2, <c>RocketMQSerializable.java</c>):
/// <code>
/// int16 code | byte language | int16 version | int32 opaque | int32 flag
/// int32 remarkLen + remark (0 = null) | int32 extLen + { int16 keyLen, key, int32 valLen, value }*
/// </code>
/// The fixed part is 21 bytes. Java turns a zero-length string into null, so empty ext values are skipped.
/// </summary>
internal static class BinaryHeaderCodec
{
    private const int FixedLength = 21;

    public static void Encode(RemotingCommand command, IBufferWriter<byte> output)
    {
        var remark = command.Remark is null ? [] : Encoding.UTF8.GetBytes(command.Remark);
        var extLength = 0;
        if (command.ExtFields is not null)
        {
            foreach (var (key, value) in command.ExtFields)
            {
                if (value.Length > 0)
                {
                    extLength += 2 + Encoding.UTF8.GetByteCount(key) + 4 + Encoding.UTF8.GetByteCount(value);
                }
            }
        }
        var span = output.GetSpan(FixedLength + remark.Length + 4 + extLength);
        BinaryPrimitives.WriteInt16BigEndian(span, (short)command.Code);
        span[2] = LanguageCode.ToByte(command.Language);
        BinaryPrimitives.WriteInt16BigEndian(span[3..], (short)command.Version);
        BinaryPrimitives.WriteInt32BigEndian(span[5..], command.Opaque);
        BinaryPrimitives.WriteInt32BigEndian(span[9..], command.Flag);
        BinaryPrimitives.WriteInt32BigEndian(span[13..], remark.Length);
        remark.CopyTo(span[17..]);
        var pos = 17 + remark.Length;
        BinaryPrimitives.WriteInt32BigEndian(span[pos..], extLength);
        pos += 4;
        if (command.ExtFields is not null)
        {
            foreach (var (key, value) in command.ExtFields)
            {
                if (value.Length == 0)
                {
                    continue;
                }
                var keyLength = Encoding.UTF8.GetBytes(key, span[(pos + 2)..]);
                BinaryPrimitives.WriteInt16BigEndian(span[pos..], (short)keyLength);
                pos += 2 + keyLength;
                var valueLength = Encoding.UTF8.GetBytes(value, span[(pos + 4)..]);
                BinaryPrimitives.WriteInt32BigEndian(span[pos..], valueLength);
                pos += 4 + valueLength;
            }
        }
        output.Advance(pos);
    }

    public static RemotingCommand Decode(ReadOnlySequence<byte> header)
    {
        var reader = new SequenceReader<byte>(header);
        if (!reader.TryReadBigEndian(out short code) || !reader.TryRead(out var language) ||
            !reader.TryReadBigEndian(out short version) || !reader.TryReadBigEndian(out int opaque) ||
            !reader.TryReadBigEndian(out int flag) || !reader.TryReadBigEndian(out int remarkLength))
        {
            throw RocketMqProtocolException.Malformed("binary header shorter than 21 bytes", header);
        }
        var command = new RemotingCommand
        {
            Code = code,
            Language = LanguageCode.FromByte(language),
            Version = version,
            Opaque = opaque,
            Flag = flag,
            Remark = remarkLength == 0 ? null : ReadString(ref reader, remarkLength, header),
        };
        if (!reader.TryReadBigEndian(out int extLength) || extLength < 0 || extLength > reader.Remaining)
        {
            throw RocketMqProtocolException.Malformed("binary header ext length out of range", header);
        }
        if (extLength > 0)
        {
            var ext = new Dictionary<string, string>(StringComparer.Ordinal);
            var end = reader.Consumed + extLength;
            while (reader.Consumed < end)
            {
                if (!reader.TryReadBigEndian(out short keyLength))
                {
                    throw RocketMqProtocolException.Malformed("truncated ext key", header);
                }
                var key = ReadString(ref reader, keyLength, header);
                if (!reader.TryReadBigEndian(out int valueLength))
                {
                    throw RocketMqProtocolException.Malformed("truncated ext value", header);
                }
                var value = ReadString(ref reader, valueLength, header);
                if (value.Length > 0)
                {
                    ext[key] = value;
                }
                if (ext.Count > RemotingLimits.MaxExtFields)
                {
                    throw RocketMqProtocolException.Malformed("too many ext fields", header);
                }
            }
            if (reader.Consumed != end)
            {
                throw RocketMqProtocolException.Malformed("ext fields overrun their length", header);
            }
            command.ExtFields = ext;
        }
        return command;
    }

    private static string ReadString(ref SequenceReader<byte> reader, int length, ReadOnlySequence<byte> header)
    {
        if (length < 0 || length > reader.Remaining)
        {
            throw RocketMqProtocolException.Malformed($"string length {length} out of range", header);
        }
        var value = Encoding.UTF8.GetString(reader.UnreadSequence.Slice(0, length));
        reader.Advance(length);
        return value;
    }
}
