using System.Buffers.Binary;
using System.Text;

namespace ImSignalR.IntegrationTests.RocketMq.Double;

/// <summary>A message as the broker stores it: the §6 record bytes, written once at store time.</summary>
internal sealed class StoredRecord
{
    private const int MagicV1 = unchecked((int)0xDAA320A7);

    public required string Topic { get; init; }
    public required int QueueId { get; init; }
    public required long QueueOffset { get; init; }
    public required long PhysicalOffset { get; init; }
    public required byte[] Body { get; init; }
    public required Dictionary<string, string> Properties { get; init; }
    public required int Flag { get; init; }
    public required int SysFlag { get; init; }
    public required long BornTimestamp { get; init; }
    public required int ReconsumeTimes { get; init; }
    public required int StorePort { get; init; }
    public long StoreTimestamp { get; } = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    public string? Tags => Properties.GetValueOrDefault("TAGS");

    /// <summary>Offset msgId: store ip(4) + port + physical offset, uppercase hex (doc §6.1).</summary>
    public string OffsetMsgId
    {
        get
        {
            var bytes = new byte[16];
            bytes[0] = 127; bytes[3] = 1;
            BinaryPrimitives.WriteInt32BigEndian(bytes.AsSpan(4), StorePort);
            BinaryPrimitives.WriteInt64BigEndian(bytes.AsSpan(8), PhysicalOffset);
            return Convert.ToHexString(bytes);
        }
    }

    public byte[] Encode()
    {
        var topic = Encoding.UTF8.GetBytes(Topic);
        var props = Encoding.UTF8.GetBytes(string.Concat(Properties.Select(p => $"{p.Key}\u0001{p.Value}\u0002")));
        var total = 91 + Body.Length + topic.Length + props.Length;
        var b = new byte[total];
        var s = b.AsSpan();
        BinaryPrimitives.WriteInt32BigEndian(s, total);
        BinaryPrimitives.WriteInt32BigEndian(s[4..], MagicV1);
        BinaryPrimitives.WriteInt32BigEndian(s[8..], (int)(Crc32(Body) & 0x7FFFFFFF));
        BinaryPrimitives.WriteInt32BigEndian(s[12..], QueueId);
        BinaryPrimitives.WriteInt32BigEndian(s[16..], Flag);
        BinaryPrimitives.WriteInt64BigEndian(s[20..], QueueOffset);
        BinaryPrimitives.WriteInt64BigEndian(s[28..], PhysicalOffset);
        BinaryPrimitives.WriteInt32BigEndian(s[36..], SysFlag);
        BinaryPrimitives.WriteInt64BigEndian(s[40..], BornTimestamp);
        s[48] = 127; s[51] = 1; // born host 127.0.0.1
        BinaryPrimitives.WriteInt32BigEndian(s[52..], 0);
        BinaryPrimitives.WriteInt64BigEndian(s[56..], StoreTimestamp);
        s[64] = 127; s[67] = 1;
        BinaryPrimitives.WriteInt32BigEndian(s[68..], StorePort);
        BinaryPrimitives.WriteInt32BigEndian(s[72..], ReconsumeTimes);
        BinaryPrimitives.WriteInt64BigEndian(s[76..], 0);
        BinaryPrimitives.WriteInt32BigEndian(s[84..], Body.Length);
        Body.CopyTo(s[88..]);
        var pos = 88 + Body.Length;
        s[pos++] = (byte)topic.Length;
        topic.CopyTo(s[pos..]);
        pos += topic.Length;
        BinaryPrimitives.WriteInt16BigEndian(s[pos..], (short)props.Length);
        props.CopyTo(s[(pos + 2)..]);
        return b;
    }

    private static uint Crc32(byte[] data)
    {
        // java.util.zip.CRC32 (IEEE, reflected 0xEDB88320).
        var crc = 0xFFFFFFFFu;
        foreach (var b in data)
        {
            crc ^= b;
            for (var k = 0; k < 8; k++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0xEDB88320u : crc >> 1;
            }
        }
        return ~crc;
    }
}
