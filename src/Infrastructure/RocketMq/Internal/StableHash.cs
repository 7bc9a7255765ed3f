using System.Text;

namespace ImSignalR.Infrastructure.RocketMq.Internal;

/// <summary>
/// FNV-1a (32-bit) over the UTF-8 bytes. Unlike <c>string.GetHashCode</c>, which is randomised per process,
/// it gives the same queue for a chatId in every process and after every restart — that is what keeps one
/// conversation on one queue, in order.
/// </summary>
internal static class StableHash
{
    private const uint OffsetBasis = 2166136261;
    private const uint Prime = 16777619;

    public static uint Fnv1a(string value)
    {
        Span<byte> stack = stackalloc byte[256];
        var bytes = Encoding.UTF8.GetMaxByteCount(value.Length) <= stack.Length ? stack : new byte[Encoding.UTF8.GetMaxByteCount(value.Length)];
        var length = Encoding.UTF8.GetBytes(value, bytes);
        var hash = OffsetBasis;
        foreach (var b in bytes[..length])
        {
            hash = (hash ^ b) * Prime;
        }
        return hash;
    }

    public static int Bucket(string value, int buckets) => (int)(Fnv1a(value) % (uint)buckets);
}
