using System.Buffers.Binary;
using System.Text;

namespace ImSignalR.Infrastructure.Redis.Internal;

/// <summary>Reads the backplane's MessagePack subset from one complete Redis message; malformed input throws <see cref="InvalidDataException"/>.</summary>
internal ref struct BackplaneMessagePackReader(ReadOnlySpan<byte> buffer)
{
    private readonly ReadOnlySpan<byte> _buffer = buffer;
    private int _position;

    public int ReadArrayHeader()
    {
        var code = Next();
        return code switch
        {
            >= 0x90 and <= 0x9F => code & 0x0F,
            0xDC => ReadUInt16(),
            0xDD => checked((int)ReadUInt32()),
            _ => throw Bad(code, "array"),
        };
    }

    public int ReadMapHeader()
    {
        var code = Next();
        return code switch
        {
            >= 0x80 and <= 0x8F => code & 0x0F,
            0xDE => ReadUInt16(),
            0xDF => checked((int)ReadUInt32()),
            _ => throw Bad(code, "map"),
        };
    }

    public long ReadInt()
    {
        var code = Next();
        return code switch
        {
            <= 0x7F => code,
            >= 0xE0 => (sbyte)code,
            0xCC => Take(1)[0],
            0xCD => BinaryPrimitives.ReadUInt16BigEndian(Take(2)),
            0xCE => BinaryPrimitives.ReadUInt32BigEndian(Take(4)),
            0xCF => checked((long)BinaryPrimitives.ReadUInt64BigEndian(Take(8))),
            0xD0 => (sbyte)Take(1)[0],
            0xD1 => BinaryPrimitives.ReadInt16BigEndian(Take(2)),
            0xD2 => BinaryPrimitives.ReadInt32BigEndian(Take(4)),
            0xD3 => BinaryPrimitives.ReadInt64BigEndian(Take(8)),
            _ => throw Bad(code, "int"),
        };
    }

    public string? ReadString()
    {
        var code = Next();
        var length = code switch
        {
            0xC0 => -1,
            >= 0xA0 and <= 0xBF => code & 0x1F,
            0xD9 => Take(1)[0],
            0xDA => ReadUInt16(),
            0xDB => checked((int)ReadUInt32()),
            _ => throw Bad(code, "str"),
        };
        return length < 0 ? null : Encoding.UTF8.GetString(Take(length));
    }

    public byte[] ReadBin()
    {
        var code = Next();
        var length = code switch
        {
            0xC4 => Take(1)[0],
            0xC5 => ReadUInt16(),
            0xC6 => checked((int)ReadUInt32()),
            _ => throw Bad(code, "bin"),
        };
        return Take(length).ToArray();
    }

    private byte Next() => Take(1)[0];

    private int ReadUInt16() => BinaryPrimitives.ReadUInt16BigEndian(Take(2));

    private uint ReadUInt32() => BinaryPrimitives.ReadUInt32BigEndian(Take(4));

    private ReadOnlySpan<byte> Take(int count)
    {
        if (count < 0 || _position + count > _buffer.Length)
        {
            throw new InvalidDataException("Backplane message is truncated.");
        }
        var span = _buffer.Slice(_position, count);
        _position += count;
        return span;
    }

    private static InvalidDataException Bad(byte code, string expected) => new($"Backplane message: expected {expected}, found 0x{code:X2}.");
}
