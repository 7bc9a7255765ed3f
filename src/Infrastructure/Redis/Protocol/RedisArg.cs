using System.Text;

namespace ImSignalR.Infrastructure.Redis.Protocol;

/// <summary>
/// One command argument, kept in its caller's form (text, bytes or integer) and encoded straight into the
/// output buffer by <see cref="RespWriter"/>, so building a command does not allocate an intermediate byte[].
/// </summary>
internal readonly struct RedisArg
{
    private readonly string? _text;
    private readonly ReadOnlyMemory<byte> _bytes;
    private readonly long _integer;
    private readonly Kind _kind;

    private RedisArg(string? text, ReadOnlyMemory<byte> bytes, long integer, Kind kind)
    {
        _text = text;
        _bytes = bytes;
        _integer = integer;
        _kind = kind;
    }

    private enum Kind : byte
    {
        Bytes,
        Text,
        Integer,
    }

    public static implicit operator RedisArg(string text) => new(text ?? throw new ArgumentNullException(nameof(text)), default, 0, Kind.Text);

    public static implicit operator RedisArg(ReadOnlyMemory<byte> bytes) => new(null, bytes, 0, Kind.Bytes);

    public static implicit operator RedisArg(byte[] bytes) => new(null, bytes, 0, Kind.Bytes);

    public static implicit operator RedisArg(long value) => new(null, default, value, Kind.Integer);

    public void WriteTo(System.Buffers.IBufferWriter<byte> writer)
    {
        switch (_kind)
        {
            case Kind.Text:
                RespWriter.WriteBulkString(writer, _text!);
                break;
            case Kind.Integer:
                RespWriter.WriteBulkString(writer, _integer);
                break;
            default:
                RespWriter.WriteBulkString(writer, _bytes.Span);
                break;
        }
    }

    public override string ToString() => _kind switch
    {
        Kind.Text => _text!,
        Kind.Integer => _integer.ToString(System.Globalization.CultureInfo.InvariantCulture),
        _ => Encoding.UTF8.GetString(_bytes.Span),
    };
}
