namespace ImSignalR.RocketMq.Remoting;

/// <summary>Named limits of the remoting protocol (protocol doc §1, §9.6).</summary>
internal static class RemotingLimits
{
    /// <summary>Netty <c>FRAME_MAX_LENGTH</c> default on brokers and NameServers (16 MiB).</summary>
    public const int MaxFrameLength = 16 * 1024 * 1024;

    /// <summary>The header length shares an int with the serialize type: 24 bits.</summary>
    public const int MaxHeaderLength = 0x00FF_FFFF;

    /// <summary>Broker <c>maxMessageSize</c> default (4 MiB).</summary>
    public const int MaxMessageBodyLength = 4 * 1024 * 1024;

    /// <summary>The properties string length is written as int16 in the store.</summary>
    public const int MaxPropertiesLength = short.MaxValue;

    /// <summary>More ext fields than any real header has; a larger count means a corrupt binary header.</summary>
    public const int MaxExtFields = 1024;
}
