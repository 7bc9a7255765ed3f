namespace ImSignalR.Client.Transport;

/// <summary>A byte buffer that grows for reads and compacts after parsing; one per receive loop.</summary>
internal sealed class GrowableBuffer
{
    private byte[] _data = new byte[16 * 1024];
    private int _length;

    public ReadOnlyMemory<byte> Written => _data.AsMemory(0, _length);

    public Memory<byte> GetMemory(int sizeHint)
    {
        if (_data.Length - _length < sizeHint)
        {
            Array.Resize(ref _data, Math.Max(_data.Length * 2, _length + sizeHint));
        }
        return _data.AsMemory(_length);
    }

    public void Advance(int count) => _length += count;

    public void Append(ReadOnlySpan<byte> bytes)
    {
        bytes.CopyTo(GetMemory(bytes.Length).Span);
        _length += bytes.Length;
    }

    public void Consume(int count)
    {
        if (count == 0)
        {
            return;
        }
        Buffer.BlockCopy(_data, count, _data, 0, _length - count);
        _length -= count;
    }
}
