using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ImSignalR.Infrastructure.Redis.Internal;

/// <summary>
/// The MessagePack subset the backplane envelopes need (array/map headers, str, bin, int), written here
/// because the shared codec had not landed when the backplane was written. Big-endian, smallest encoding on
/// write, every width accepted on read (msgpack spec).
/// </summary>
internal static class BackplaneMessagePack
{
    public static void WriteArrayHeader(IBufferWriter<byte> writer, int count) => WriteHeader(writer, count, 0x90, 0xDC, 0xDD);

    public static void WriteMapHeader(IBufferWriter<byte> writer, int count) => WriteHeader(writer, count, 0x80, 0xDE, 0xDF);

    public static void WriteInt(IBufferWriter<byte> writer, long value)
    {
        var span = writer.GetSpan(9);
        if (value is >= 0 and <= 0x7F)
        {
            span[0] = (byte)value;
            writer.Advance(1);
        }
        else if (value is >= -32 and < 0)
        {
            span[0] = (byte)(sbyte)value;
            writer.Advance(1);
        }
        else if (value is >= int.MinValue and <= int.MaxValue)
        {
            span[0] = 0xD2;
            BinaryPrimitives.WriteInt32BigEndian(span[1..], (int)value);
            writer.Advance(5);
        }
        else
        {
            span[0] = 0xD3;
            BinaryPrimitives.WriteInt64BigEndian(span[1..], value);
            writer.Advance(9);
        }
    }

    public static void WriteString(IBufferWriter<byte> writer, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var span = writer.GetSpan(5 + length);
        int header;
        if (length <= 31)
        {
            span[0] = (byte)(0xA0 | length);
            header = 1;
        }
        else if (length <= byte.MaxValue)
        {
            span[0] = 0xD9;
            span[1] = (byte)length;
            header = 2;
        }
        else if (length <= ushort.MaxValue)
        {
            span[0] = 0xDA;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)length);
            header = 3;
        }
        else
        {
            span[0] = 0xDB;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
            header = 5;
        }
        Encoding.UTF8.GetBytes(value, span[header..]);
        writer.Advance(header + length);
    }

    public static void WriteBin(IBufferWriter<byte> writer, ReadOnlySpan<byte> value)
    {
        var span = writer.GetSpan(5 + value.Length);
        int header;
        if (value.Length <= byte.MaxValue)
        {
            span[0] = 0xC4;
            span[1] = (byte)value.Length;
            header = 2;
        }
        else if (value.Length <= ushort.MaxValue)
        {
            span[0] = 0xC5;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)value.Length);
            header = 3;
        }
        else
        {
            span[0] = 0xC6;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)value.Length);
            header = 5;
        }
        value.CopyTo(span[header..]);
        writer.Advance(header + value.Length);
    }

    private static void WriteHeader(IBufferWriter<byte> writer, int count, byte fix, byte code16, byte code32)
    {
        var span = writer.GetSpan(5);
        if (count <= 15)
        {
            span[0] = (byte)(fix | count);
            writer.Advance(1);
        }
        else if (count <= ushort.MaxValue)
        {
            span[0] = code16;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)count);
            writer.Advance(3);
        }
        else
        {
            span[0] = code32;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)count);
            writer.Advance(5);
        }
    }
}
