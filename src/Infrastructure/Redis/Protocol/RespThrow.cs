using System.Buffers;
using System.Text;

namespace ImSignalR.Infrastructure.Redis.Protocol;

/// <summary>Throw helpers, kept out of the parser's hot path.</summary>
internal static class RespThrow
{
    private const int MaxShownBytes = 64;

    public static RedisProtocolException Malformed(string what, ReadOnlySpan<byte> bytes) =>
        new($"Malformed RESP: {what} near \"{Escape(bytes)}\".");

    public static RedisProtocolException Malformed(string what, in ReadOnlySequence<byte> bytes) =>
        Malformed(what, bytes.Length > MaxShownBytes ? bytes.Slice(0, MaxShownBytes).ToArray() : bytes.ToArray());

    public static RedisProtocolException Limit(string what, long actual, long limit) =>
        new($"RESP limit exceeded: {what} is {actual}, the limit is {limit}.");

    /// <summary>Printable ASCII as is, everything else as <c>\xNN</c> (so CR/LF and binary junk are visible in logs).</summary>
    public static string Escape(ReadOnlySpan<byte> bytes)
    {
        var shown = bytes.Length > MaxShownBytes ? bytes[..MaxShownBytes] : bytes;
        var sb = new StringBuilder(shown.Length * 2);
        foreach (var b in shown)
        {
            if (b is >= 0x20 and < 0x7F and not (byte)'\\')
            {
                sb.Append((char)b);
            }
            else
            {
                sb.Append("\\x").Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        if (bytes.Length > MaxShownBytes)
        {
            sb.Append('…');
        }
        return sb.ToString();
    }
}
