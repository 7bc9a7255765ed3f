using System.Buffers;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

internal ref partial struct MessagePackReader
{
    /// <summary>Skips one value of any type, counting nesting against the depth limit.</summary>
    public void Skip()
    {
        var start = Consumed;
        var saved = _reader;
        if (!TrySkipCore(_depth))
        {
            _reader = saved;
            MessagePackThrow.Truncated(start, ContextAt(start), "value");
        }
    }

    /// <summary>
    /// Skips one value if all of it is available; returns false and consumes nothing when the data ends
    /// first. Malformed or over-limit data still throws: waiting for more bytes cannot fix it.
    /// </summary>
    public bool TrySkip()
    {
        var saved = _reader;
        if (TrySkipCore(_depth))
        {
            return true;
        }
        _reader = saved;
        return false;
    }

    private bool TrySkipCore(int depth)
    {
        var start = Consumed;
        if (!_reader.TryRead(out var code))
        {
            return false;
        }
        long length;
        long elements = 0;
        switch (code)
        {
            case <= MessagePackCode.MaxFixInt:
            case >= MessagePackCode.MinNegativeFixInt:
            case MessagePackCode.Nil:
            case MessagePackCode.True:
            case MessagePackCode.False:
                return true;
            case <= MessagePackCode.MaxFixMap:
                elements = (code & 0x0f) * 2L;
                length = 0;
                break;
            case <= MessagePackCode.MaxFixArray:
                elements = code & 0x0f;
                length = 0;
                break;
            case <= MessagePackCode.MaxFixStr:
                length = code & 0x1f;
                break;
            case MessagePackCode.NeverUsed:
                MessagePackThrow.InvalidCode(start, ContextAt(start));
                return false;
            case MessagePackCode.UInt8 or MessagePackCode.Int8:
                // Every byte value is covered by a case; the compiler proves it, hence no default.
                length = 1;
                break;
            case MessagePackCode.UInt16 or MessagePackCode.Int16:
                length = 2;
                break;
            case MessagePackCode.UInt32 or MessagePackCode.Int32 or MessagePackCode.Float32:
                length = 4;
                break;
            case MessagePackCode.UInt64 or MessagePackCode.Int64 or MessagePackCode.Float64:
                length = 8;
                break;
            case MessagePackCode.FixExt1:
                length = 2;
                break;
            case MessagePackCode.FixExt2:
                length = 3;
                break;
            case MessagePackCode.FixExt4:
                length = 5;
                break;
            case MessagePackCode.FixExt8:
                length = 9;
                break;
            case MessagePackCode.FixExt16:
                length = 17;
                break;
            case MessagePackCode.Str8 or MessagePackCode.Bin8 or MessagePackCode.Ext8:
                if (!_reader.TryRead(out var b8))
                {
                    return false;
                }
                length = b8;
                break;
            case MessagePackCode.Str16 or MessagePackCode.Bin16 or MessagePackCode.Ext16:
                if (!_reader.TryReadBigEndian(out short b16))
                {
                    return false;
                }
                length = (ushort)b16;
                break;
            case MessagePackCode.Str32 or MessagePackCode.Bin32 or MessagePackCode.Ext32:
                if (!_reader.TryReadBigEndian(out int b32))
                {
                    return false;
                }
                length = (uint)b32;
                break;
            case MessagePackCode.Array16 or MessagePackCode.Map16:
                if (!_reader.TryReadBigEndian(out short c16))
                {
                    return false;
                }
                elements = (ushort)c16 * (code == MessagePackCode.Map16 ? 2L : 1L);
                length = 0;
                break;
            case MessagePackCode.Array32 or MessagePackCode.Map32:
                if (!_reader.TryReadBigEndian(out int c32))
                {
                    return false;
                }
                elements = (uint)c32 * (code == MessagePackCode.Map32 ? 2L : 1L);
                length = 0;
                break;
        }

        switch (MessagePackCode.TypeOf(code))
        {
            case MessagePackType.String:
                CheckLimit(start, "String", length, _options.MaxStringLength);
                break;
            case MessagePackType.Binary:
                CheckLimit(start, "Binary", length, _options.MaxBinaryLength);
                break;
            case MessagePackType.Extension:
                if (code is MessagePackCode.Ext8 or MessagePackCode.Ext16 or MessagePackCode.Ext32)
                {
                    CheckLimit(start, "Extension", length, _options.MaxExtensionLength);
                    length++; // the type byte
                }
                break;
            case MessagePackType.Array:
                CheckLimit(start, "Array", elements, _options.MaxArrayLength);
                break;
            case MessagePackType.Map:
                CheckLimit(start, "Map", elements / 2, _options.MaxMapLength);
                break;
        }

        if (length > 0)
        {
            if (_reader.Remaining < length)
            {
                return false;
            }
            _reader.Advance(length);
        }

        if (elements > 0)
        {
            if (depth + 1 > _options.MaxDepth)
            {
                MessagePackThrow.DepthLimit(start, ContextAt(start), _options.MaxDepth);
            }
            // Each element consumes at least one byte, so this loop is bounded by the input size.
            for (long i = 0; i < elements; i++)
            {
                if (!TrySkipCore(depth + 1))
                {
                    return false;
                }
            }
        }
        return true;
    }
}
