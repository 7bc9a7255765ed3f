using System.Buffers;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

/// <summary>
/// The binary hub protocol's record framing: [VarInt length][payload]. The length is an unsigned value in
/// 1–5 bytes, least-significant 7-bit group first, high bit = "more bytes follow", at most 0x7FFFFFFF
/// (FF FF FF FF 07). Every official client writes the shortest form, so a longer one (a trailing zero
/// group) is refused, as is a fifth byte above 0x07 or with its high bit set.
/// </summary>
internal static class VarIntFraming
{
    public const int MaxPrefixLength = 5;

    /// <summary>Reads the length prefix; false when more bytes are needed to know the length.</summary>
    public static bool TryReadLength(in ReadOnlySequence<byte> input, out long length, out int prefixLength)
    {
        length = 0;
        prefixLength = 0;
        Span<byte> prefix = stackalloc byte[MaxPrefixLength];
        var available = (int)Math.Min(input.Length, MaxPrefixLength);
        input.Slice(0, available).CopyTo(prefix);
        for (var i = 0; i < available; i++)
        {
            var b = prefix[i];
            length |= (long)(b & 0x7f) << (7 * i);
            if ((b & 0x80) == 0)
            {
                if (i == MaxPrefixLength - 1 && b > 0x07)
                {
                    throw Fail("Messages over 2GB in size are not supported", prefix[..available]);
                }
                if (i > 0 && b == 0)
                {
                    throw Fail("Overlong VarInt length prefix", prefix[..available]);
                }
                prefixLength = i + 1;
                return true;
            }
        }
        if (available == MaxPrefixLength)
        {
            throw Fail("Messages over 2GB in size are not supported", prefix);
        }
        return false;
    }

    public static int WriteLength(Span<byte> destination, int length)
    {
        var value = (uint)length;
        var i = 0;
        do
        {
            var part = (byte)(value & 0x7f);
            value >>= 7;
            if (value > 0)
            {
                part |= 0x80;
            }
            destination[i++] = part;
        }
        while (value > 0);
        return i;
    }

    private static MessagePackProtocolException Fail(string message, ReadOnlySpan<byte> prefix) =>
        MessagePackThrow.Create(message, 0, new ReadOnlySequence<byte>(prefix.ToArray()));
}
