namespace ImSignalR.Infrastructure.Protocols.MessagePack.Codec;

/// <summary>
/// Malformed, truncated or over-limit MessagePack: the one exception the codec throws for bad input.
/// (SignalR's own protocols throw <see cref="InvalidDataException"/>, which is sealed, so this is a sibling;
/// the hub connection handler treats any parse exception the same way: it closes the connection.)
/// </summary>
internal sealed class MessagePackProtocolException : Exception
{
    public MessagePackProtocolException(string message, long position)
        : base(message)
    {
        Position = position;
    }

    /// <summary>Offset of the offending value from the start of the parsed sequence.</summary>
    public long Position { get; }
}
