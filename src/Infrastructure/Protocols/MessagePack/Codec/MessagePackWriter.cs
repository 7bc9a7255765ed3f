using System.Buffers;
using System.Buffers.Binary;
using System.Text;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

/// <summary>
/// Writes MessagePack to an <see cref="IBufferWriter{T}"/>, always in the shortest form (what
/// @msgpack/msgpack and MessagePack-CSharp write, so byte-level comparisons with them hold).
/// Passed by ref: <see cref="Depth"/> lets object writers refuse cycles and runaway nesting.
/// </summary>
internal struct MessagePackWriter
{
    private readonly IBufferWriter<byte> _output;

    public MessagePackWriter(IBufferWriter<byte> output, int maxDepth = MessagePackLimits.DefaultMaxDepth)
    {
        _output = output;
        MaxDepth = maxDepth;
    }

    public int Depth { get; private set; }

    public int MaxDepth { get; }

    public void EnterNested()
    {
        if (++Depth > MaxDepth)
        {
            throw new MessagePackProtocolException($"Writing nests deeper than the limit of {MaxDepth} (a cycle?).", 0);
        }
    }

    public void ExitNested() => Depth--;

    public readonly void WriteNil() => WriteByte(MessagePackCode.Nil);

    public readonly void Write(bool value) => WriteByte(value ? MessagePackCode.True : MessagePackCode.False);

    public readonly void Write(long value)
    {
        if (value >= 0)
        {
            Write((ulong)value);
            return;
        }
        if (value >= -32)
        {
            WriteByte(unchecked((byte)value));
        }
        else if (value >= sbyte.MinValue)
        {
            var span = _output.GetSpan(2);
            span[0] = MessagePackCode.Int8;
            span[1] = unchecked((byte)value);
            _output.Advance(2);
        }
        else if (value >= short.MinValue)
        {
            var span = _output.GetSpan(3);
            span[0] = MessagePackCode.Int16;
            BinaryPrimitives.WriteInt16BigEndian(span[1..], (short)value);
            _output.Advance(3);
        }
        else if (value >= int.MinValue)
        {
            var span = _output.GetSpan(5);
            span[0] = MessagePackCode.Int32;
            BinaryPrimitives.WriteInt32BigEndian(span[1..], (int)value);
            _output.Advance(5);
        }
        else
        {
            var span = _output.GetSpan(9);
            span[0] = MessagePackCode.Int64;
            BinaryPrimitives.WriteInt64BigEndian(span[1..], value);
            _output.Advance(9);
        }
    }

    public readonly void Write(ulong value)
    {
        if (value <= MessagePackCode.MaxFixInt)
        {
            WriteByte((byte)value);
        }
        else if (value <= byte.MaxValue)
        {
            var span = _output.GetSpan(2);
            span[0] = MessagePackCode.UInt8;
            span[1] = (byte)value;
            _output.Advance(2);
        }
        else if (value <= ushort.MaxValue)
        {
            var span = _output.GetSpan(3);
            span[0] = MessagePackCode.UInt16;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)value);
            _output.Advance(3);
        }
        else if (value <= uint.MaxValue)
        {
            var span = _output.GetSpan(5);
            span[0] = MessagePackCode.UInt32;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)value);
            _output.Advance(5);
        }
        else
        {
            var span = _output.GetSpan(9);
            span[0] = MessagePackCode.UInt64;
            BinaryPrimitives.WriteUInt64BigEndian(span[1..], value);
            _output.Advance(9);
        }
    }

    public readonly void Write(float value)
    {
        var span = _output.GetSpan(5);
        span[0] = MessagePackCode.Float32;
        BinaryPrimitives.WriteSingleBigEndian(span[1..], value);
        _output.Advance(5);
    }

    public readonly void Write(double value)
    {
        var span = _output.GetSpan(9);
        span[0] = MessagePackCode.Float64;
        BinaryPrimitives.WriteDoubleBigEndian(span[1..], value);
        _output.Advance(9);
    }

    /// <summary>Writes a str (shortest header for its UTF-8 length), or nil for null.</summary>
    public readonly void Write(string? value)
    {
        if (value is null)
        {
            WriteNil();
            return;
        }
        var byteCount = Encoding.UTF8.GetByteCount(value);
        WriteStringHeader(byteCount);
        var span = _output.GetSpan(byteCount);
        Encoding.UTF8.GetBytes(value, span);
        _output.Advance(byteCount);
    }

    /// <summary>Writes a str from bytes already UTF-8 encoded (cached property names).</summary>
    public readonly void WriteString(ReadOnlySpan<byte> utf8)
    {
        WriteStringHeader(utf8.Length);
        WriteRaw(utf8);
    }

    public readonly void WriteStringHeader(int byteCount)
    {
        if (byteCount <= 31)
        {
            WriteByte((byte)(MessagePackCode.MinFixStr | byteCount));
        }
        else if (byteCount <= byte.MaxValue)
        {
            var span = _output.GetSpan(2);
            span[0] = MessagePackCode.Str8;
            span[1] = (byte)byteCount;
            _output.Advance(2);
        }
        else
        {
            WriteLengthHeader(MessagePackCode.Str16, MessagePackCode.Str32, byteCount);
        }
    }

    public readonly void Write(ReadOnlySpan<byte> binary)
    {
        if (binary.Length <= byte.MaxValue)
        {
            var span = _output.GetSpan(2);
            span[0] = MessagePackCode.Bin8;
            span[1] = (byte)binary.Length;
            _output.Advance(2);
        }
        else
        {
            WriteLengthHeader(MessagePackCode.Bin16, MessagePackCode.Bin32, binary.Length);
        }
        WriteRaw(binary);
    }

    public readonly void WriteArrayHeader(int count)
    {
        if (count <= 15)
        {
            WriteByte((byte)(MessagePackCode.MinFixArray | count));
        }
        else
        {
            WriteLengthHeader(MessagePackCode.Array16, MessagePackCode.Array32, count);
        }
    }

    public readonly void WriteMapHeader(int count)
    {
        if (count <= 15)
        {
            WriteByte((byte)(MessagePackCode.MinFixMap | count));
        }
        else
        {
            WriteLengthHeader(MessagePackCode.Map16, MessagePackCode.Map32, count);
        }
    }

    public readonly void WriteExtensionHeader(sbyte typeCode, int length)
    {
        byte fixCode = length switch
        {
            1 => MessagePackCode.FixExt1,
            2 => MessagePackCode.FixExt2,
            4 => MessagePackCode.FixExt4,
            8 => MessagePackCode.FixExt8,
            16 => MessagePackCode.FixExt16,
            _ => 0,
        };
        if (fixCode != 0)
        {
            var span = _output.GetSpan(2);
            span[0] = fixCode;
            span[1] = unchecked((byte)typeCode);
            _output.Advance(2);
            return;
        }
        if (length <= byte.MaxValue)
        {
            var span = _output.GetSpan(3);
            span[0] = MessagePackCode.Ext8;
            span[1] = (byte)length;
            span[2] = unchecked((byte)typeCode);
            _output.Advance(3);
            return;
        }
        WriteLengthHeader(MessagePackCode.Ext16, MessagePackCode.Ext32, length);
        WriteByte(unchecked((byte)typeCode));
    }

    /// <summary>Writes the timestamp extension in its shortest form (ts32, ts64, else ts96).</summary>
    public readonly void Write(DateTime value)
    {
        var (seconds, nanoseconds) = MessagePackTimestamp.FromDateTime(value);
        if (seconds >= 0 && seconds >> 34 == 0)
        {
            if (nanoseconds == 0 && seconds <= uint.MaxValue)
            {
                WriteExtensionHeader(MessagePackCode.TimestampExtensionType, 4);
                var span4 = _output.GetSpan(4);
                BinaryPrimitives.WriteUInt32BigEndian(span4, (uint)seconds);
                _output.Advance(4);
                return;
            }
            WriteExtensionHeader(MessagePackCode.TimestampExtensionType, 8);
            var span8 = _output.GetSpan(8);
            BinaryPrimitives.WriteUInt64BigEndian(span8, ((ulong)nanoseconds << 34) | (ulong)seconds);
            _output.Advance(8);
            return;
        }
        WriteExtensionHeader(MessagePackCode.TimestampExtensionType, 12);
        var span12 = _output.GetSpan(12);
        BinaryPrimitives.WriteUInt32BigEndian(span12, nanoseconds);
        BinaryPrimitives.WriteInt64BigEndian(span12[4..], seconds);
        _output.Advance(12);
    }

    public readonly void WriteRaw(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return;
        }
        var span = _output.GetSpan(bytes.Length);
        bytes.CopyTo(span);
        _output.Advance(bytes.Length);
    }

    public readonly void WriteRaw(ReadOnlySequence<byte> bytes)
    {
        foreach (var segment in bytes)
        {
            WriteRaw(segment.Span);
        }
    }

    private readonly void WriteByte(byte value)
    {
        var span = _output.GetSpan(1);
        span[0] = value;
        _output.Advance(1);
    }

    private readonly void WriteLengthHeader(byte code16, byte code32, int length)
    {
        if (length <= ushort.MaxValue)
        {
            var span = _output.GetSpan(3);
            span[0] = code16;
            BinaryPrimitives.WriteUInt16BigEndian(span[1..], (ushort)length);
            _output.Advance(3);
        }
        else
        {
            var span = _output.GetSpan(5);
            span[0] = code32;
            BinaryPrimitives.WriteUInt32BigEndian(span[1..], (uint)length);
            _output.Advance(5);
        }
    }
}
