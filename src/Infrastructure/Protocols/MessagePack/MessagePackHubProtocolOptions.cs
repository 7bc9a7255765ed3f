using ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

namespace ImSignalR.Infrastructure.Protocols.MessagePack;

/// <summary>Limits for the <c>messagepack</c> hub protocol on untrusted input. The transport's own
/// <c>MaximumReceiveMessageSize</c> (32 KB by default) still applies before these.</summary>
public sealed class MessagePackHubProtocolOptions
{
    /// <summary>Deepest nesting of arrays/maps/objects accepted in one message.</summary>
    public int MaxDepth { get; set; } = MessagePackLimits.DefaultMaxDepth;

    /// <summary>Longest str value, in UTF-8 bytes.</summary>
    public int MaxStringLength { get; set; } = MessagePackLimits.DefaultMaxStringLength;

    /// <summary>Longest bin value, in bytes.</summary>
    public int MaxBinaryLength { get; set; } = MessagePackLimits.DefaultMaxBinaryLength;

    /// <summary>Most elements in one array.</summary>
    public int MaxArrayLength { get; set; } = MessagePackLimits.DefaultMaxArrayLength;

    /// <summary>Most entries in one map.</summary>
    public int MaxMapLength { get; set; } = MessagePackLimits.DefaultMaxMapLength;

    /// <summary>Largest frame payload; a longer declared length fails before any of it is buffered.</summary>
    public long MaxMessageSize { get; set; } = MessagePackLimits.DefaultMaxMessageSize;

    internal MessagePackReaderOptions ToReaderOptions() => new()
    {
        MaxDepth = MaxDepth,
        MaxStringLength = MaxStringLength,
        MaxBinaryLength = MaxBinaryLength,
        MaxArrayLength = MaxArrayLength,
        MaxMapLength = MaxMapLength,
        MaxMessageSize = Math.Min(MaxMessageSize, MessagePackLimits.MaxFramedPayloadSize),
    };
}
