using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace ImSignalR.RocketMq.Internal;

/// <summary>
/// MurmurHash3 x86_32 (seed 0) over the UTF-8 bytes: the queue of a chat. Unlike <c>string.GetHashCode</c>,
/// which is randomised per process, it gives the same queue for a chatId in every process and after every
/// restart — that keeps one conversation on one queue, in order. It replaced FNV-1a, whose low bits (the
/// ones <c>hash % queues</c> keeps) follow the last characters too closely: chat ids of one naming pattern
/// (<c>c2c:u1:u9</c>, <c>c2c:u2:u9</c>, …) piled onto one of four queues. Murmur3's finaliser spreads every
/// input bit over every output bit. Changing this function moves chats to other queues (docs/rocketmq.md).
/// </summary>
internal static class StableHash
{
    private const uint C1 = 0xcc9e2d51;
    private const uint C2 = 0x1b873593;

    public static uint Murmur3(string value)
    {
        var max = Encoding.UTF8.GetMaxByteCount(value.Length);
        Span<byte> bytes = max <= 256 ? stackalloc byte[256] : new byte[max];
        var length = Encoding.UTF8.GetBytes(value, bytes);
        return Murmur3(bytes[..length]);
    }

    public static uint Murmur3(ReadOnlySpan<byte> data)
    {
        uint h = 0;
        var blocks = data.Length / 4;
        for (var i = 0; i < blocks; i++)
        {
            var k = BinaryPrimitives.ReadUInt32LittleEndian(data.Slice(i * 4, 4));
            h ^= Mix(k);
            h = BitOperations.RotateLeft(h, 13);
            h = (h * 5) + 0xe6546b64;
        }
        var tail = data[(blocks * 4)..];
        uint t = 0;
        switch (tail.Length)
        {
            case 3:
                t ^= (uint)tail[2] << 16;
                goto case 2;
            case 2:
                t ^= (uint)tail[1] << 8;
                goto case 1;
            case 1:
                t ^= tail[0];
                h ^= Mix(t);
                break;
        }
        h ^= (uint)data.Length;
        h ^= h >> 16;
        h *= 0x85ebca6b;
        h ^= h >> 13;
        h *= 0xc2b2ae35;
        h ^= h >> 16;
        return h;
    }

    public static int Bucket(string value, int buckets) => (int)(Murmur3(value) % (uint)buckets);

    private static uint Mix(uint k)
    {
        k *= C1;
        k = BitOperations.RotateLeft(k, 15);
        return k * C2;
    }
}
