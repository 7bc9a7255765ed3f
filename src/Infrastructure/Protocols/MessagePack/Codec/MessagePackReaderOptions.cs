namespace ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

/// <summary>Limits applied while reading untrusted MessagePack; defaults in <see cref="MessagePackLimits"/>.</summary>
internal sealed record MessagePackReaderOptions
{
    public static MessagePackReaderOptions Default { get; } = new();

    public int MaxDepth { get; init; } = MessagePackLimits.DefaultMaxDepth;
    public int MaxStringLength { get; init; } = MessagePackLimits.DefaultMaxStringLength;
    public int MaxBinaryLength { get; init; } = MessagePackLimits.DefaultMaxBinaryLength;
    public int MaxArrayLength { get; init; } = MessagePackLimits.DefaultMaxArrayLength;
    public int MaxMapLength { get; init; } = MessagePackLimits.DefaultMaxMapLength;
    public int MaxExtensionLength { get; init; } = MessagePackLimits.DefaultMaxExtensionLength;
    public long MaxMessageSize { get; init; } = MessagePackLimits.DefaultMaxMessageSize;
}
