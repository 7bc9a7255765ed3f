using System.Buffers;

namespace ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

/// <summary>
/// Reads MessagePack values from a <see cref="ReadOnlySequence{T}"/> of untrusted bytes.
/// Reads of a value throw <see cref="MessagePackProtocolException"/> when the value is malformed, over a
/// limit, or cut short: callers hand it whole frames (the hub protocol's VarInt framing says where a frame
/// ends). For streams without framing, <see cref="TrySkip"/> tells whether a whole value is available
/// without consuming anything when it is not.
/// Every declared length is checked against the named limits and against the bytes left, so a frame can
/// never make us allocate or loop more than its own size allows.
/// </summary>
internal ref partial struct MessagePackReader
{
    private SequenceReader<byte> _reader;
    private readonly MessagePackReaderOptions _options;
    private int _depth;

    public MessagePackReader(ReadOnlySequence<byte> sequence, MessagePackReaderOptions? options = null)
    {
        _options = options ?? MessagePackReaderOptions.Default;
        _reader = new SequenceReader<byte>(sequence);
        if (sequence.Length > _options.MaxMessageSize)
        {
            MessagePackThrow.LengthLimit(0, sequence, "Message", sequence.Length, _options.MaxMessageSize);
        }
    }

    public readonly MessagePackReaderOptions Options => _options;

    /// <summary>Bytes consumed so far; also the position reported in exceptions.</summary>
    public readonly long Consumed => _reader.Consumed;

    public readonly bool End => _reader.End;

    public readonly int Depth => _depth;

    public readonly ReadOnlySequence<byte> Sequence => _reader.Sequence;

    public readonly ReadOnlySequence<byte> UnreadSequence => _reader.UnreadSequence;

    /// <summary>The family of the next value, without consuming it.</summary>
    public MessagePackType NextType
    {
        get
        {
            if (!_reader.TryPeek(out var code))
            {
                MessagePackThrow.Truncated(Consumed, default, "a value");
            }
            return MessagePackCode.TypeOf(code);
        }
    }

    public bool TryPeekCode(out byte code) => _reader.TryPeek(out code);

    /// <summary>Counts one level of nesting entered by a caller that reads a container value by value.</summary>
    public void EnterNested()
    {
        if (++_depth > _options.MaxDepth)
        {
            MessagePackThrow.DepthLimit(Consumed, _reader.UnreadSequence, _options.MaxDepth);
        }
    }

    public void ExitNested() => _depth--;

    private readonly ReadOnlySequence<byte> ContextAt(long offset) =>
        offset <= _reader.Sequence.Length ? _reader.Sequence.Slice(offset) : default;

    private byte ReadCode(string what)
    {
        if (!_reader.TryRead(out var code))
        {
            MessagePackThrow.Truncated(Consumed, default, what);
        }
        return code;
    }

    private byte ReadRawByte(long start, string what)
    {
        if (!_reader.TryRead(out var value))
        {
            MessagePackThrow.Truncated(start, ContextAt(start), what);
        }
        return value;
    }

    private short ReadRawInt16(long start, string what)
    {
        if (!_reader.TryReadBigEndian(out short value))
        {
            MessagePackThrow.Truncated(start, ContextAt(start), what);
        }
        return value;
    }

    private int ReadRawInt32(long start, string what)
    {
        if (!_reader.TryReadBigEndian(out int value))
        {
            MessagePackThrow.Truncated(start, ContextAt(start), what);
        }
        return value;
    }

    private long ReadRawInt64(long start, string what)
    {
        if (!_reader.TryReadBigEndian(out long value))
        {
            MessagePackThrow.Truncated(start, ContextAt(start), what);
        }
        return value;
    }

    private void EnsureRemaining(long start, long length, string what)
    {
        if (_reader.Remaining < length)
        {
            MessagePackThrow.Truncated(start, ContextAt(start), what);
        }
    }

    private readonly void CheckLimit(long start, string what, long length, long limit)
    {
        if (length > limit)
        {
            MessagePackThrow.LengthLimit(start, ContextAt(start), what, length, limit);
        }
    }
}
