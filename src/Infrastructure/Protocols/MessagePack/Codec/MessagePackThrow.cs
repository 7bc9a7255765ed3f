using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

/// <summary>Throw helpers kept out of the hot read paths; every message carries the position and the bytes there.</summary>
internal static class MessagePackThrow
{
    private const int MaxContextBytes = 16;

    [DoesNotReturn]
    public static void Truncated(long position, ReadOnlySequence<byte> context, string what) =>
        throw Create($"Truncated MessagePack: {what} needs more bytes than remain", position, context);

    [DoesNotReturn]
    public static void InvalidCode(long position, ReadOnlySequence<byte> context) =>
        throw Create("Invalid MessagePack format byte", position, context);

    [DoesNotReturn]
    public static void UnexpectedType(long position, ReadOnlySequence<byte> context, string expected) =>
        throw Create($"Expected {expected}", position, context);

    [DoesNotReturn]
    public static void Overflow(long position, ReadOnlySequence<byte> context, string target) =>
        throw Create($"Integer does not fit in {target}", position, context);

    [DoesNotReturn]
    public static void LengthLimit(long position, ReadOnlySequence<byte> context, string what, long length, long limit) =>
        throw Create($"{what} length {length} exceeds the limit of {limit}", position, context);

    [DoesNotReturn]
    public static void DepthLimit(long position, ReadOnlySequence<byte> context, int limit) =>
        throw Create($"Nesting deeper than the limit of {limit}", position, context);

    [DoesNotReturn]
    public static void InvalidTimestamp(long position, ReadOnlySequence<byte> context) =>
        throw Create("Invalid or out-of-range timestamp extension", position, context);

    public static MessagePackProtocolException Create(string message, long position, ReadOnlySequence<byte> context) =>
        new($"{message} at position {position} (bytes: {Hex(context)}).", position);

    public static string Hex(ReadOnlySequence<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return "<end of data>";
        }
        var shown = bytes.Length > MaxContextBytes ? bytes.Slice(0, MaxContextBytes) : bytes;
        var builder = new StringBuilder((int)shown.Length * 3 + 3);
        foreach (var segment in shown)
        {
            foreach (var b in segment.Span)
            {
                if (builder.Length > 0)
                {
                    builder.Append(' ');
                }
                builder.Append(b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        if (bytes.Length > MaxContextBytes)
        {
            builder.Append(" …");
        }
        return builder.ToString();
    }
}
