namespace ImSignalR.Infrastructure.Redis.Protocol;

/// <summary>The RESP frame kinds, keyed by their leading byte (RESP2 and the RESP3 additions).</summary>
internal enum RespType : byte
{
    /// <summary>No value (a default <see cref="RedisValue"/>).</summary>
    None = 0,
    SimpleString = (byte)'+',
    Error = (byte)'-',
    Integer = (byte)':',
    BulkString = (byte)'$',
    Array = (byte)'*',
    /// <summary>RESP3 <c>_</c>; RESP2 null bulk (<c>$-1</c>) and null array (<c>*-1</c>) are reported as this too.</summary>
    Null = (byte)'_',
    Boolean = (byte)'#',
    Double = (byte)',',
    BigNumber = (byte)'(',
    BulkError = (byte)'!',
    VerbatimString = (byte)'=',
    Map = (byte)'%',
    Set = (byte)'~',
    Push = (byte)'>',
}
