using System.Buffers;
using System.Buffers.Text;
using System.Globalization;

namespace ImSignalR.Infrastructure.Redis.Protocol;

/// <summary>
/// Incremental RESP2/RESP3 reader.
/// <para>Wire format (redis protocol-spec, RESP3.md): every frame starts with a type byte and ends its
/// header line with CRLF. <c>+text</c>, <c>-ERR text</c>, <c>:int</c>, <c>,double</c> (<c>inf</c>, <c>-inf</c>,
/// <c>nan</c>, exponents accepted), <c>#t</c>/<c>#f</c>, <c>_</c>, <c>(bignum</c> are single lines.
/// <c>$len</c>, <c>!len</c>, <c>=len</c> are followed by exactly <c>len</c> bytes and CRLF; <c>$-1</c> is the
/// RESP2 null. <c>*n</c>, <c>~n</c>, <c>&gt;n</c> are followed by n frames, <c>%n</c> by n key/value pairs;
/// <c>*-1</c> is the RESP2 null array. <c>|n</c> is an attribute map that precedes the real reply: it is read
/// and dropped.</para>
/// </summary>
internal static class RespParser
{
    /// <summary>
    /// Reads one complete frame from the start of <paramref name="buffer"/>. On success the buffer is sliced past
    /// it; on incomplete input returns false and leaves the buffer untouched.
    /// </summary>
    /// <exception cref="RedisProtocolException">The bytes are not RESP or break <paramref name="limits"/>.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, RespLimits limits, out RedisValue value)
    {
        var reader = new SequenceReader<byte>(buffer);
        if (!TryReadValue(ref reader, limits, 0, out value))
        {
            value = default;
            return false;
        }
        buffer = buffer.Slice(reader.Position);
        return true;
    }

    public static bool TryRead(ref ReadOnlySequence<byte> buffer, out RedisValue value) =>
        TryRead(ref buffer, RespLimits.Default, out value);

    private static bool TryReadValue(ref SequenceReader<byte> reader, RespLimits limits, int depth, out RedisValue value)
    {
        value = default;
        if (!reader.TryRead(out var type))
        {
            return false;
        }
        if (!TryReadLine(ref reader, limits, out var line))
        {
            return false;
        }
        switch (type)
        {
            case (byte)'+':
                value = RedisValue.FromBytes(RespType.SimpleString, line.ToArray());
                return true;
            case (byte)'-':
                value = RedisValue.FromBytes(RespType.Error, line.ToArray());
                return true;
            case (byte)':':
                value = RedisValue.FromInteger(ParseInteger(line, "integer"));
                return true;
            case (byte)'_':
                if (!line.IsEmpty)
                {
                    throw RespThrow.Malformed("null with a payload", line);
                }
                value = RedisValue.Null;
                return true;
            case (byte)'#':
                value = line.Length == 1 && line[0] is (byte)'t' or (byte)'f'
                    ? RedisValue.FromBoolean(line[0] == (byte)'t')
                    : throw RespThrow.Malformed("boolean", line);
                return true;
            case (byte)',':
                value = RedisValue.FromDouble(ParseDouble(line));
                return true;
            case (byte)'(':
                ValidateBigNumber(line);
                value = RedisValue.FromBytes(RespType.BigNumber, line.ToArray());
                return true;
            case (byte)'$':
                return TryReadBulk(ref reader, limits, RespType.BulkString, ParseInteger(line, "bulk length"), allowNull: true, out value);
            case (byte)'!':
                return TryReadBulk(ref reader, limits, RespType.BulkError, ParseInteger(line, "bulk error length"), allowNull: false, out value);
            case (byte)'=':
                return TryReadBulk(ref reader, limits, RespType.VerbatimString, ParseInteger(line, "verbatim length"), allowNull: false, out value);
            case (byte)'*':
                return TryReadAggregate(ref reader, limits, depth, RespType.Array, ParseInteger(line, "array length"), 1, allowNull: true, out value);
            case (byte)'~':
                return TryReadAggregate(ref reader, limits, depth, RespType.Set, ParseInteger(line, "set length"), 1, allowNull: false, out value);
            case (byte)'>':
                return TryReadAggregate(ref reader, limits, depth, RespType.Push, ParseInteger(line, "push length"), 1, allowNull: false, out value);
            case (byte)'%':
                return TryReadAggregate(ref reader, limits, depth, RespType.Map, ParseInteger(line, "map length"), 2, allowNull: false, out value);
            case (byte)'|':
                // An attribute decorates the reply that follows: read it (to stay in frame) and return that reply.
                if (!TryReadAggregate(ref reader, limits, depth, RespType.Map, ParseInteger(line, "attribute length"), 2, allowNull: false, out _))
                {
                    return false;
                }
                return TryReadValue(ref reader, limits, depth, out value);
            default:
                throw RespThrow.Malformed($"unknown type byte 0x{type:X2}", line);
        }
    }

    /// <summary>Reads up to CRLF; the returned span excludes it. Copies only when the line spans segments.</summary>
    private static bool TryReadLine(ref SequenceReader<byte> reader, RespLimits limits, out ReadOnlySpan<byte> line)
    {
        var unread = reader.UnreadSpan;
        var lf = unread.IndexOf((byte)'\n');
        if (lf >= 0)
        {
            if (lf > limits.MaxLineLength + 1)
            {
                throw RespThrow.Limit("line length", lf - 1, limits.MaxLineLength);
            }
            if (lf == 0 || unread[lf - 1] != (byte)'\r')
            {
                throw RespThrow.Malformed("line not terminated by CRLF", unread[..(lf + 1)]);
            }
            line = unread[..(lf - 1)];
            reader.Advance(lf + 1);
            return true;
        }
        if (!reader.TryReadTo(out ReadOnlySequence<byte> sequence, (byte)'\n'))
        {
            line = default;
            if (reader.Remaining > limits.MaxLineLength + 2)
            {
                throw RespThrow.Limit("line length", reader.Remaining, limits.MaxLineLength);
            }
            return false;
        }
        if (sequence.Length > limits.MaxLineLength + 1)
        {
            throw RespThrow.Limit("line length", sequence.Length - 1, limits.MaxLineLength);
        }
        var bytes = sequence.ToArray();
        if (bytes.Length == 0 || bytes[^1] != (byte)'\r')
        {
            throw RespThrow.Malformed("line not terminated by CRLF", bytes);
        }
        line = bytes.AsSpan(0, bytes.Length - 1);
        return true;
    }

    private static bool TryReadBulk(ref SequenceReader<byte> reader, RespLimits limits, RespType type, long length, bool allowNull, out RedisValue value)
    {
        value = default;
        if (length == -1 && allowNull)
        {
            value = RedisValue.Null;
            return true;
        }
        if (length < 0)
        {
            throw RespThrow.Malformed($"negative {type} length {length}", ReadOnlySpan<byte>.Empty);
        }
        if (length > limits.MaxBulkLength)
        {
            throw RespThrow.Limit($"{type} length", length, limits.MaxBulkLength);
        }
        if (reader.Remaining < length + 2)
        {
            return false;
        }
        var payload = new byte[length];
        reader.TryCopyTo(payload);
        reader.Advance(length);
        reader.TryRead(out var cr);
        reader.TryRead(out var lf);
        if (cr != (byte)'\r' || lf != (byte)'\n')
        {
            throw RespThrow.Malformed($"{type} payload not followed by CRLF", [cr, lf]);
        }
        if (type == RespType.VerbatimString && (payload.Length < 4 || payload[3] != (byte)':'))
        {
            throw RespThrow.Malformed("verbatim string without a 3-byte format prefix", payload);
        }
        value = RedisValue.FromBytes(type, payload);
        return true;
    }

    private static bool TryReadAggregate(
        ref SequenceReader<byte> reader, RespLimits limits, int depth, RespType type, long count, int framesPerItem, bool allowNull, out RedisValue value)
    {
        value = default;
        if (count == -1 && allowNull)
        {
            value = RedisValue.Null;
            return true;
        }
        if (count < 0)
        {
            throw RespThrow.Malformed($"negative {type} length {count}", ReadOnlySpan<byte>.Empty);
        }
        var frames = count * framesPerItem;
        if (frames > limits.MaxArrayLength)
        {
            throw RespThrow.Limit($"{type} length", frames, limits.MaxArrayLength);
        }
        if (depth + 1 > limits.MaxDepth)
        {
            throw RespThrow.Limit("nesting depth", depth + 1, limits.MaxDepth);
        }
        if (frames == 0)
        {
            value = RedisValue.FromItems(type, []);
            return true;
        }
        // Every frame needs at least 3 bytes ("_\r\n"): a count the buffer cannot hold yet is incomplete,
        // and checking first avoids allocating a huge array for a frame that is still arriving.
        if (reader.Remaining < frames * 3)
        {
            return false;
        }
        var items = new RedisValue[frames];
        for (var i = 0; i < items.Length; i++)
        {
            if (!TryReadValue(ref reader, limits, depth + 1, out items[i]))
            {
                return false;
            }
        }
        value = RedisValue.FromItems(type, items);
        return true;
    }

    private static long ParseInteger(ReadOnlySpan<byte> line, string what)
    {
        if (line.Length > 0 && line[0] != (byte)'+' && Utf8Parser.TryParse(line, out long result, out var consumed) && consumed == line.Length)
        {
            return result;
        }
        throw RespThrow.Malformed(what, line);
    }

    private static double ParseDouble(ReadOnlySpan<byte> line)
    {
        if (line.SequenceEqual("inf"u8) || line.SequenceEqual("+inf"u8))
        {
            return double.PositiveInfinity;
        }
        if (line.SequenceEqual("-inf"u8))
        {
            return double.NegativeInfinity;
        }
        if (line.SequenceEqual("nan"u8) || line.SequenceEqual("-nan"u8))
        {
            return double.NaN;
        }
        if (line.Length > 0 && double.TryParse(line, NumberStyles.Float, CultureInfo.InvariantCulture, out var d))
        {
            return d;
        }
        throw RespThrow.Malformed("double", line);
    }

    private static void ValidateBigNumber(ReadOnlySpan<byte> line)
    {
        var digits = line.Length > 0 && line[0] == (byte)'-' ? line[1..] : line;
        if (digits.IsEmpty || digits.ContainsAnyExceptInRange((byte)'0', (byte)'9'))
        {
            throw RespThrow.Malformed("big number", line);
        }
    }
}
