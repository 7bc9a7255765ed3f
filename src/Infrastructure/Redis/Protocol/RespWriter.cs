using System.Buffers;
using System.Buffers.Text;
using System.Text;

namespace ImSignalR.Infrastructure.Redis.Protocol;

/// <summary>
/// Writes commands the only way a client should: an array of bulk strings
/// (<c>*N\r\n</c> then <c>$len\r\n</c> payload <c>\r\n</c> per argument), binary safe, never inline.
/// </summary>
internal static class RespWriter
{
    // "$" or "*", up to 20 digits and a sign, CRLF.
    private const int MaxHeaderLength = 24;

    public static void WriteCommand(IBufferWriter<byte> writer, ReadOnlySpan<RedisArg> args)
    {
        if (args.IsEmpty)
        {
            throw new ArgumentException("A command needs at least its name.", nameof(args));
        }
        WriteHeader(writer, (byte)'*', args.Length);
        foreach (var arg in args)
        {
            arg.WriteTo(writer);
        }
    }

    public static void WriteArrayHeader(IBufferWriter<byte> writer, int count) => WriteHeader(writer, (byte)'*', count);

    public static void WriteBulkString(IBufferWriter<byte> writer, ReadOnlySpan<byte> value)
    {
        var span = writer.GetSpan(MaxHeaderLength + value.Length + 2);
        var n = FormatHeader(span, (byte)'$', value.Length);
        value.CopyTo(span[n..]);
        n += value.Length;
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        writer.Advance(n);
    }

    public static void WriteBulkString(IBufferWriter<byte> writer, string value)
    {
        var length = Encoding.UTF8.GetByteCount(value);
        var span = writer.GetSpan(MaxHeaderLength + length + 2);
        var n = FormatHeader(span, (byte)'$', length);
        n += Encoding.UTF8.GetBytes(value, span[n..]);
        span[n++] = (byte)'\r';
        span[n++] = (byte)'\n';
        writer.Advance(n);
    }

    public static void WriteBulkString(IBufferWriter<byte> writer, long value)
    {
        Span<byte> digits = stackalloc byte[20];
        Utf8Formatter.TryFormat(value, digits, out var written);
        WriteBulkString(writer, digits[..written]);
    }

    private static void WriteHeader(IBufferWriter<byte> writer, byte prefix, long length)
    {
        var span = writer.GetSpan(MaxHeaderLength);
        writer.Advance(FormatHeader(span, prefix, length));
    }

    private static int FormatHeader(Span<byte> span, byte prefix, long length)
    {
        span[0] = prefix;
        Utf8Formatter.TryFormat(length, span[1..], out var written);
        span[written + 1] = (byte)'\r';
        span[written + 2] = (byte)'\n';
        return written + 3;
    }
}
