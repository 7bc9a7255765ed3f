using System.Buffers;

namespace ImSignalR.Client.Protocol.MessagePack;

/// <summary>
/// The binary hub protocol's frame prefix (HubProtocol.md): the payload length as an unsigned VarInt of
/// 1–5 bytes, least-significant 7-bit group first, high bit = "more bytes follow", at most 0x7FFFFFFF.
/// Like the server, an overlong form (a trailing zero group) or a fifth byte above 0x07 is refused.
/// </summary>
internal static class VarIntLength
{
    public const int MaxPrefixLength = 5;

    /// <summary>Reads the prefix; false when more bytes are needed to know the length.</summary>
    /// <exception cref="ImProtocolException">The prefix is malformed or declares more than 2 GB.</exception>
    public static bool TryRead(in ReadOnlySequence<byte> input, out long length, out int prefixLength)
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
                    throw Fail("declares a message over 2 GB", prefix[..available]);
                }
                if (i > 0 && b == 0)
                {
                    throw Fail("is overlong", prefix[..available]);
                }
                prefixLength = i + 1;
                return true;
            }
        }
        if (available == MaxPrefixLength)
        {
            throw Fail("declares a message over 2 GB", prefix);
        }
        return false;
    }

    public static int Write(Span<byte> destination, int length)
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

    private static ImProtocolException Fail(string what, ReadOnlySpan<byte> prefix) =>
        new($"The VarInt length prefix {what} (bytes: {Convert.ToHexString(prefix)}).");
}
