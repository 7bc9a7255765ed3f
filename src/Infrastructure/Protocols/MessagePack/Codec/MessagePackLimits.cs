namespace ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

/// <summary>
/// Default limits for untrusted input. Every declared length is also checked against the bytes that
/// are actually left, so these caps bound what one frame may ask us to allocate or walk, not what fits.
/// </summary>
internal static class MessagePackLimits
{
    /// <summary>Same nesting bound as System.Text.Json's default MaxDepth, so JSON and MessagePack agree.</summary>
    public const int DefaultMaxDepth = 64;

    /// <summary>Hub messages are small (the server caps a received message at 32 KB by default);
    /// 1 MiB leaves room for sync pages received by the SDK.</summary>
    public const int DefaultMaxStringLength = 1024 * 1024;

    public const int DefaultMaxBinaryLength = 16 * 1024 * 1024;

    /// <summary>Counts, not bytes: a page of messages is at most a few hundred entries.</summary>
    public const int DefaultMaxArrayLength = 1024 * 1024;

    public const int DefaultMaxMapLength = 64 * 1024;

    public const int DefaultMaxExtensionLength = 1024 * 1024;

    /// <summary>A single frame; the framing layer alone accepts up to 2 GB.</summary>
    public const long DefaultMaxMessageSize = 64L * 1024 * 1024;

    /// <summary>The hub protocol's VarInt length prefix caps payloads at 2^31-1 bytes.</summary>
    public const long MaxFramedPayloadSize = int.MaxValue;
}
