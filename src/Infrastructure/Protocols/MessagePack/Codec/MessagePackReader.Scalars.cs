using System.Buffers;
using System.Text;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

internal ref partial struct MessagePackReader
{
    /// <summary>Consumes a nil and returns true, or returns false and consumes nothing.</summary>
    public bool TryReadNil()
    {
        if (_reader.TryPeek(out var code) && code == MessagePackCode.Nil)
        {
            _reader.Advance(1);
            return true;
        }
        return false;
    }

    public void ReadNil()
    {
        var start = Consumed;
        if (ReadCode("nil") != MessagePackCode.Nil)
        {
            MessagePackThrow.UnexpectedType(start, ContextAt(start), "nil");
        }
    }

    public bool ReadBoolean()
    {
        var start = Consumed;
        switch (ReadCode("a boolean"))
        {
            case MessagePackCode.True:
                return true;
            case MessagePackCode.False:
                return false;
            default:
                MessagePackThrow.UnexpectedType(start, ContextAt(start), "a boolean");
                return false;
        }
    }

    /// <summary>Reads an integer of any width; <see cref="Int128"/> holds every int64 and uint64 value,
    /// so callers narrow with one range check.</summary>
    public Int128 ReadInteger()
    {
        var start = Consumed;
        var code = ReadCode("an integer");
        switch (code)
        {
            case <= MessagePackCode.MaxFixInt:
                return code;
            case >= MessagePackCode.MinNegativeFixInt:
                return (sbyte)code;
            case MessagePackCode.UInt8:
                return ReadRawByte(start, "uint8");
            case MessagePackCode.UInt16:
                return (ushort)ReadRawInt16(start, "uint16");
            case MessagePackCode.UInt32:
                return (uint)ReadRawInt32(start, "uint32");
            case MessagePackCode.UInt64:
                return (ulong)ReadRawInt64(start, "uint64");
            case MessagePackCode.Int8:
                return (sbyte)ReadRawByte(start, "int8");
            case MessagePackCode.Int16:
                return ReadRawInt16(start, "int16");
            case MessagePackCode.Int32:
                return ReadRawInt32(start, "int32");
            case MessagePackCode.Int64:
                return ReadRawInt64(start, "int64");
            default:
                MessagePackThrow.UnexpectedType(start, ContextAt(start), "an integer");
                return 0;
        }
    }

    public long ReadInt64()
    {
        var start = Consumed;
        var value = ReadInteger();
        if (value < long.MinValue || value > long.MaxValue)
        {
            MessagePackThrow.Overflow(start, ContextAt(start), "Int64");
        }
        return (long)value;
    }

    public ulong ReadUInt64()
    {
        var start = Consumed;
        var value = ReadInteger();
        if (value < ulong.MinValue || value > ulong.MaxValue)
        {
            MessagePackThrow.Overflow(start, ContextAt(start), "UInt64");
        }
        return (ulong)value;
    }

    public int ReadInt32()
    {
        var start = Consumed;
        var value = ReadInteger();
        if (value < int.MinValue || value > int.MaxValue)
        {
            MessagePackThrow.Overflow(start, ContextAt(start), "Int32");
        }
        return (int)value;
    }

    /// <summary>Reads float32, float64 or any integer: JS encoders write whole numbers as ints.</summary>
    public double ReadDouble()
    {
        if (!_reader.TryPeek(out var code))
        {
            MessagePackThrow.Truncated(Consumed, default, "a number");
        }
        var start = Consumed;
        switch (code)
        {
            case MessagePackCode.Float32:
                _reader.Advance(1);
                return BitConverter.Int32BitsToSingle(ReadRawInt32(start, "float32"));
            case MessagePackCode.Float64:
                _reader.Advance(1);
                return BitConverter.Int64BitsToDouble(ReadRawInt64(start, "float64"));
            default:
                if (MessagePackCode.TypeOf(code) != MessagePackType.Integer)
                {
                    MessagePackThrow.UnexpectedType(start, ContextAt(start), "a number");
                }
                return (double)ReadInteger();
        }
    }

    public float ReadSingle()
    {
        if (_reader.TryPeek(out var code) && code == MessagePackCode.Float32)
        {
            var start = Consumed;
            _reader.Advance(1);
            return BitConverter.Int32BitsToSingle(ReadRawInt32(start, "float32"));
        }
        return (float)ReadDouble();
    }

    /// <summary>Reads a str value, or nil as null. Invalid UTF-8 decodes to U+FFFD as in every
    /// mainstream MessagePack library, rather than failing the frame.</summary>
    public string? ReadString()
    {
        if (TryReadNil())
        {
            return null;
        }
        var length = ReadStringHeader();
        var unread = _reader.UnreadSpan;
        string value;
        if (unread.Length >= length)
        {
            value = Encoding.UTF8.GetString(unread[..length]);
        }
        else
        {
            value = Encoding.UTF8.GetString(_reader.UnreadSequence.Slice(0, length));
        }
        _reader.Advance(length);
        return value;
    }

    /// <summary>Reads a (non-nil) str value as its UTF-8 bytes, without decoding.</summary>
    public ReadOnlySequence<byte> ReadStringSequence()
    {
        var length = ReadStringHeader();
        var value = _reader.UnreadSequence.Slice(0, length);
        _reader.Advance(length);
        return value;
    }

    /// <summary>Reads a str header and returns the byte length, already checked against limits and the bytes left.</summary>
    public int ReadStringHeader()
    {
        var start = Consumed;
        var code = ReadCode("a string");
        long length = code switch
        {
            >= MessagePackCode.MinFixStr and <= MessagePackCode.MaxFixStr => code & 0x1f,
            MessagePackCode.Str8 => ReadRawByte(start, "str8"),
            MessagePackCode.Str16 => (ushort)ReadRawInt16(start, "str16"),
            MessagePackCode.Str32 => (uint)ReadRawInt32(start, "str32"),
            _ => -1,
        };
        if (length < 0)
        {
            MessagePackThrow.UnexpectedType(start, ContextAt(start), "a string");
        }
        CheckLimit(start, "String", length, _options.MaxStringLength);
        EnsureRemaining(start, length, "string");
        return (int)length;
    }

    /// <summary>Reads a bin value as a new array, or nil as null.</summary>
    public byte[]? ReadBinary()
    {
        if (TryReadNil())
        {
            return null;
        }
        return ReadBinarySequence().ToArray();
    }

    public ReadOnlySequence<byte> ReadBinarySequence()
    {
        var start = Consumed;
        var code = ReadCode("binary");
        long length = code switch
        {
            MessagePackCode.Bin8 => ReadRawByte(start, "bin8"),
            MessagePackCode.Bin16 => (ushort)ReadRawInt16(start, "bin16"),
            MessagePackCode.Bin32 => (uint)ReadRawInt32(start, "bin32"),
            _ => -1,
        };
        if (length < 0)
        {
            MessagePackThrow.UnexpectedType(start, ContextAt(start), "binary");
        }
        CheckLimit(start, "Binary", length, _options.MaxBinaryLength);
        EnsureRemaining(start, length, "binary");
        var value = _reader.UnreadSequence.Slice(0, length);
        _reader.Advance(length);
        return value;
    }
}
