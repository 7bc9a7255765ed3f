using System.Buffers;
using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;
using ImSignalR.RocketMq.Remoting;

namespace ImSignalR.RocketMq.Consumer.Internal;

/// <summary>
/// Decodes the pull body: stored records back to back (doc §6, <c>MessageDecoder.decodes</c>):
/// <code>
/// int32 totalSize | int32 magic | int32 bodyCrc | int32 queueId | int32 flag | int64 queueOffset
/// int64 physicalOffset | int32 sysFlag | int64 bornTs | bornHost (4|16)+4 | int64 storeTs | storeHost (4|16)+4
/// int32 reconsumeTimes | int64 preparedTxOffset | int32 bodyLen + body | topicLen (int8 V1 | int16 V2) + topic
/// int16 propsLen + props
/// </code>
/// Hosts are IPv6 when sysFlag has 0x10 (born) / 0x20 (store). A body with sysFlag bit0 is zlib-compressed.
/// </summary>
internal static class MessageDecoder
{
    public const int MagicV1 = unchecked((int)0xDAA320A7);
    public const int MagicV2 = unchecked((int)0xDAA320AB);
    private const int CompressedFlag = 0x1;
    private const int BornHostV6Flag = 0x10;
    private const int StoreHostV6Flag = 0x20;
    private const int CompressionTypeMask = 0x700;
    private const int ZlibCompression = 0x300;

    /// <summary>Smallest possible record: 91 bytes with IPv4 hosts and empty body/topic/properties.</summary>
    private const int MinRecordLength = 91;

    public static List<MessageExt> DecodeAll(ReadOnlyMemory<byte> body)
    {
        var result = new List<MessageExt>();
        var span = body.Span;
        var pos = 0;
        while (pos < span.Length)
        {
            if (span.Length - pos < 4)
            {
                throw Malformed("truncated record size", body[pos..]);
            }
            var total = BinaryPrimitives.ReadInt32BigEndian(span[pos..]);
            if (total < MinRecordLength || total > span.Length - pos)
            {
                throw Malformed($"record size {total} out of range", body[pos..]);
            }
            result.Add(Decode(body.Slice(pos, total)));
            pos += total;
        }
        return result;
    }

    private static MessageExt Decode(ReadOnlyMemory<byte> record)
    {
        var reader = new SequenceReader<byte>(new ReadOnlySequence<byte>(record));
        reader.Advance(4);
        Require(reader.TryReadBigEndian(out int magic), record);
        if (magic != MagicV1 && magic != MagicV2)
        {
            throw Malformed($"unknown magic 0x{magic:X8}", record);
        }
        Require(reader.TryReadBigEndian(out int _), record); // body CRC: the broker checked it on store
        Require(reader.TryReadBigEndian(out int queueId), record);
        Require(reader.TryReadBigEndian(out int _), record); // user flag
        Require(reader.TryReadBigEndian(out long queueOffset), record);
        Require(reader.TryReadBigEndian(out long physicalOffset), record);
        Require(reader.TryReadBigEndian(out int sysFlag), record);
        Require(reader.TryReadBigEndian(out long bornTimestamp), record);
        Require(reader.Remaining >= ((sysFlag & BornHostV6Flag) != 0 ? 20 : 8), record);
        reader.Advance((sysFlag & BornHostV6Flag) != 0 ? 20 : 8);
        Require(reader.TryReadBigEndian(out long storeTimestamp), record);
        var storeHostLength = (sysFlag & StoreHostV6Flag) != 0 ? 16 : 4;
        Require(reader.Remaining >= storeHostLength + 4, record);
        var storeHost = reader.UnreadSpan.Length >= storeHostLength + 4
            ? reader.UnreadSpan[..(storeHostLength + 4)].ToArray()
            : reader.UnreadSequence.Slice(0, storeHostLength + 4).ToArray();
        reader.Advance(storeHostLength + 4);
        Require(reader.TryReadBigEndian(out int reconsumeTimes), record);
        Require(reader.TryReadBigEndian(out long _), record); // prepared transaction offset
        Require(reader.TryReadBigEndian(out int bodyLength) && bodyLength >= 0 && bodyLength <= reader.Remaining, record);
        var start = (int)reader.Consumed;
        ReadOnlyMemory<byte> body = record.Slice(start, bodyLength).ToArray();
        reader.Advance(bodyLength);
        if ((sysFlag & CompressedFlag) != 0)
        {
            body = Decompress(body, sysFlag, record);
        }
        int topicLength;
        if (magic == MagicV1)
        {
            Require(reader.TryRead(out var b), record);
            topicLength = b;
        }
        else
        {
            Require(reader.TryReadBigEndian(out short s), record);
            topicLength = (ushort)s;
        }
        Require(topicLength <= reader.Remaining, record);
        var topic = Encoding.UTF8.GetString(record.Span.Slice((int)reader.Consumed, topicLength));
        reader.Advance(topicLength);
        Require(reader.TryReadBigEndian(out short propsLength) && propsLength >= 0 && propsLength <= reader.Remaining, record);
        var props = Encoding.UTF8.GetString(record.Span.Slice((int)reader.Consumed, propsLength));

        var idBytes = new byte[storeHost.Length + 8];
        storeHost.CopyTo(idBytes, 0);
        BinaryPrimitives.WriteInt64BigEndian(idBytes.AsSpan(storeHost.Length), physicalOffset);
        return new MessageExt(topic, queueId, queueOffset, physicalOffset, sysFlag, bornTimestamp, storeTimestamp,
            reconsumeTimes, body, MessageProperties.Decode(props), Convert.ToHexString(idBytes));
    }

    private static byte[] Decompress(ReadOnlyMemory<byte> body, int sysFlag, ReadOnlyMemory<byte> record)
    {
        var type = sysFlag & CompressionTypeMask;
        // Type 0 means zlib: 4.x compressed with zlib and wrote no type bits (doc §3.3).
        if (type != 0 && type != ZlibCompression)
        {
            throw Malformed($"compression type 0x{type:X} (LZ4/ZSTD) is not supported", record);
        }
        try
        {
            using var input = new MemoryStream(body.ToArray());
            using var zlib = new ZLibStream(input, CompressionMode.Decompress);
            using var output = new MemoryStream();
            zlib.CopyTo(output);
            return output.ToArray();
        }
        catch (InvalidDataException e)
        {
            throw new RocketMqProtocolException($"Compressed message body does not inflate: {e.Message}", null, e);
        }
    }

    private static void Require(bool condition, ReadOnlyMemory<byte> record)
    {
        if (!condition)
        {
            throw Malformed("truncated or inconsistent record", record);
        }
    }

    private static RocketMqProtocolException Malformed(string what, ReadOnlyMemory<byte> bytes) =>
        RocketMqProtocolException.Malformed("pulled message: " + what, new ReadOnlySequence<byte>(bytes));
}
