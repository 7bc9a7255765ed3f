using System.Buffers;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Internal;

/// <summary>
/// A growable buffer over <see cref="ArrayPool{T}"/>, one cached per thread: a message is serialised here
/// first because its VarInt length prefix must precede it. Always <see cref="Return"/> it in a finally.
/// </summary>
internal sealed class PooledBufferWriter : IBufferWriter<byte>
{
    private const int InitialSize = 512;

    /// <summary>Buffers grown past this go back to the pool instead of staying cached on the thread.</summary>
    private const int MaxCachedSize = 64 * 1024;

    [ThreadStatic]
    private static PooledBufferWriter? t_cached;

    private byte[] _buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
    private int _written;

    public ReadOnlySpan<byte> WrittenSpan => _buffer.AsSpan(0, _written);

    public int WrittenCount => _written;

    public static PooledBufferWriter Rent()
    {
        var writer = t_cached ?? new PooledBufferWriter();
        t_cached = null;
        return writer;
    }

    public static void Return(PooledBufferWriter writer)
    {
        writer._written = 0;
        if (writer._buffer.Length > MaxCachedSize)
        {
            ArrayPool<byte>.Shared.Return(writer._buffer);
            writer._buffer = ArrayPool<byte>.Shared.Rent(InitialSize);
        }
        t_cached = writer;
    }

    public void Advance(int count) => _written += count;

    public Memory<byte> GetMemory(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsMemory(_written);
    }

    public Span<byte> GetSpan(int sizeHint = 0)
    {
        Ensure(sizeHint);
        return _buffer.AsSpan(_written);
    }

    private void Ensure(int sizeHint)
    {
        sizeHint = Math.Max(sizeHint, 1);
        if (_buffer.Length - _written >= sizeHint)
        {
            return;
        }
        var size = Math.Max(_buffer.Length * 2L, (long)_written + sizeHint);
        if (size > Array.MaxLength)
        {
            size = Math.Max(Array.MaxLength, _written + sizeHint);
        }
        var next = ArrayPool<byte>.Shared.Rent((int)size);
        _buffer.AsSpan(0, _written).CopyTo(next);
        ArrayPool<byte>.Shared.Return(_buffer);
        _buffer = next;
    }
}
