using System.Buffers;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

internal ref partial struct MessagePackReader
{
    /// <summary>Reads an array header. The count is checked against the limit and against the bytes left
    /// (every element takes at least one byte), so a declared count can be trusted for pre-sizing.</summary>
    public int ReadArrayHeader()
    {
        var start = Consumed;
        var code = ReadCode("an array");
        long count = code switch
        {
            >= MessagePackCode.MinFixArray and <= MessagePackCode.MaxFixArray => code & 0x0f,
            MessagePackCode.Array16 => (ushort)ReadRawInt16(start, "array16"),
            MessagePackCode.Array32 => (uint)ReadRawInt32(start, "array32"),
            _ => -1,
        };
        if (count < 0)
        {
            MessagePackThrow.UnexpectedType(start, ContextAt(start), "an array");
        }
        CheckLimit(start, "Array", count, _options.MaxArrayLength);
        EnsureRemaining(start, count, "array");
        return (int)count;
    }

    /// <summary>Reads a map header; the count is of key/value pairs (two values each, at least two bytes).</summary>
    public int ReadMapHeader()
    {
        var start = Consumed;
        var code = ReadCode("a map");
        long count = code switch
        {
            >= MessagePackCode.MinFixMap and <= MessagePackCode.MaxFixMap => code & 0x0f,
            MessagePackCode.Map16 => (ushort)ReadRawInt16(start, "map16"),
            MessagePackCode.Map32 => (uint)ReadRawInt32(start, "map32"),
            _ => -1,
        };
        if (count < 0)
        {
            MessagePackThrow.UnexpectedType(start, ContextAt(start), "a map");
        }
        CheckLimit(start, "Map", count, _options.MaxMapLength);
        EnsureRemaining(start, count * 2, "map");
        return (int)count;
    }

    public MessagePackExtensionHeader ReadExtensionHeader()
    {
        var start = Consumed;
        var code = ReadCode("an extension");
        long length = code switch
        {
            MessagePackCode.FixExt1 => 1,
            MessagePackCode.FixExt2 => 2,
            MessagePackCode.FixExt4 => 4,
            MessagePackCode.FixExt8 => 8,
            MessagePackCode.FixExt16 => 16,
            MessagePackCode.Ext8 => ReadRawByte(start, "ext8"),
            MessagePackCode.Ext16 => (ushort)ReadRawInt16(start, "ext16"),
            MessagePackCode.Ext32 => (uint)ReadRawInt32(start, "ext32"),
            _ => -1,
        };
        if (length < 0)
        {
            MessagePackThrow.UnexpectedType(start, ContextAt(start), "an extension");
        }
        var type = (sbyte)ReadRawByte(start, "extension type");
        CheckLimit(start, "Extension", length, _options.MaxExtensionLength);
        EnsureRemaining(start, length, "extension");
        return new MessagePackExtensionHeader(type, (uint)length);
    }

    /// <summary>Reads the payload that follows an extension header.</summary>
    public ReadOnlySequence<byte> ReadRaw(long length)
    {
        EnsureRemaining(Consumed, length, "raw bytes");
        var value = _reader.UnreadSequence.Slice(0, length);
        _reader.Advance(length);
        return value;
    }

    /// <summary>Reads one whole value (of any type) as its encoded bytes, e.g. to keep a result raw.</summary>
    public ReadOnlySequence<byte> ReadRawValue()
    {
        var startPosition = _reader.Position;
        Skip();
        return _reader.Sequence.Slice(startPosition, _reader.Position);
    }

    /// <summary>Reads the timestamp extension (type -1, 32/64/96-bit forms) as a UTC <see cref="DateTime"/>.</summary>
    public DateTime ReadDateTime()
    {
        var start = Consumed;
        var header = ReadExtensionHeader();
        if (header.TypeCode != MessagePackCode.TimestampExtensionType)
        {
            MessagePackThrow.UnexpectedType(start, ContextAt(start), "a timestamp extension");
        }
        long seconds;
        uint nanoseconds;
        switch (header.Length)
        {
            case 4:
                seconds = (uint)ReadRawInt32(start, "timestamp32");
                nanoseconds = 0;
                break;
            case 8:
                var packed = (ulong)ReadRawInt64(start, "timestamp64");
                nanoseconds = (uint)(packed >> 34);
                seconds = (long)(packed & 0x3_ffff_ffffUL);
                break;
            case 12:
                nanoseconds = (uint)ReadRawInt32(start, "timestamp96");
                seconds = ReadRawInt64(start, "timestamp96");
                break;
            default:
                MessagePackThrow.InvalidTimestamp(start, ContextAt(start));
                return default;
        }
        if (!MessagePackTimestamp.TryToDateTime(seconds, nanoseconds, out var value))
        {
            MessagePackThrow.InvalidTimestamp(start, ContextAt(start));
        }
        return value;
    }
}
