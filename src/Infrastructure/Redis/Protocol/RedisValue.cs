using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace ImSignalR.Infrastructure.Redis.Protocol;

/// <summary>
/// One parsed RESP reply. Payload bytes are copied out of the socket buffer (the buffer is reused), so a
/// value stays valid after the parser moves on. Aggregates hold their children; a map is kept flat
/// (key, value, key, value…) because callers walk it in order anyway.
/// </summary>
internal readonly struct RedisValue
{
    private readonly object? _payload;   // byte[] for string-like types, RedisValue[] for aggregates
    private readonly long _integer;
    private readonly double _double;

    private RedisValue(RespType type, object? payload, long integer, double dbl)
    {
        Type = type;
        _payload = payload;
        _integer = integer;
        _double = dbl;
    }

    public RespType Type { get; }

    public bool IsNull => Type == RespType.Null;

    public bool IsError => Type is RespType.Error or RespType.BulkError;

    public bool IsAggregate => Type is RespType.Array or RespType.Set or RespType.Push or RespType.Map;

    /// <summary>Elements of an aggregate; a map is flattened to key, value pairs. Empty for other types.</summary>
    public RedisValue[] Items => _payload as RedisValue[] ?? [];

    /// <summary>The raw payload of a string-like value (simple, bulk, verbatim incl. its <c>fmt:</c> prefix, error, big number).</summary>
    public ReadOnlyMemory<byte> Memory => _payload as byte[] ?? ReadOnlyMemory<byte>.Empty;

    public static RedisValue Null { get; } = new(RespType.Null, null, 0, 0);

    public static RedisValue FromInteger(long value) => new(RespType.Integer, null, value, 0);

    public static RedisValue FromDouble(double value) => new(RespType.Double, null, 0, value);

    public static RedisValue FromBoolean(bool value) => new(RespType.Boolean, null, value ? 1 : 0, 0);

    /// <summary>For <see cref="RespType.SimpleString"/>, <see cref="RespType.BulkString"/>, errors, verbatim and big numbers.</summary>
    public static RedisValue FromBytes(RespType type, byte[] bytes) => new(type, bytes, 0, 0);

    public static RedisValue FromItems(RespType type, RedisValue[] items) => new(type, items, 0, 0);

    public static RedisValue Bulk(string text) => new(RespType.BulkString, Encoding.UTF8.GetBytes(text), 0, 0);

    public long AsInt64()
    {
        switch (Type)
        {
            case RespType.Integer:
            case RespType.Boolean:
                return _integer;
            case RespType.BulkString or RespType.SimpleString or RespType.BigNumber:
                var span = Memory.Span;
                if (Utf8Parser.TryParse(span, out long parsed, out var consumed) && consumed == span.Length)
                {
                    return parsed;
                }
                break;
        }
        throw new InvalidCastException($"A RESP {Type} reply is not an integer.");
    }

    public long? AsNullableInt64() => IsNull ? null : AsInt64();

    public double AsDouble() => Type switch
    {
        RespType.Double => _double,
        RespType.Integer => _integer,
        _ => double.Parse(AsString() ?? throw new InvalidCastException("A null RESP reply is not a number."), CultureInfo.InvariantCulture),
    };

    public bool AsBoolean() => Type switch
    {
        RespType.Boolean or RespType.Integer => _integer != 0,
        _ => throw new InvalidCastException($"A RESP {Type} reply is not a boolean."),
    };

    /// <summary>UTF-8 text of a string-like value; the decimal form of a number; null for null.</summary>
    public string? AsString() => Type switch
    {
        RespType.Null => null,
        RespType.Integer => _integer.ToString(CultureInfo.InvariantCulture),
        RespType.Double => _double.ToString("R", CultureInfo.InvariantCulture),
        RespType.Boolean => _integer != 0 ? "true" : "false",
        // The first four bytes are the format ("txt:"): the text is what follows.
        RespType.VerbatimString => Encoding.UTF8.GetString(Memory.Span[4..]),
        RespType.SimpleString or RespType.BulkString or RespType.Error or RespType.BulkError or RespType.BigNumber
            => Encoding.UTF8.GetString(Memory.Span),
        _ => throw new InvalidCastException($"A RESP {Type} reply is not a string."),
    };

    public byte[]? AsBytes() => IsNull ? null : _payload as byte[] ?? throw new InvalidCastException($"A RESP {Type} reply has no bytes.");

    public override string ToString() => Type switch
    {
        RespType.None => "(none)",
        RespType.Null => "(nil)",
        _ when IsAggregate => $"{Type}[{Items.Length}]",
        _ => $"{Type}:{AsString()}",
    };
}
