namespace ImSignalR.Client;

/// <summary>The server answered with something the SDK cannot read: an invalid handshake response at
/// connect, or a call result that does not fit the SDK's model.</summary>
public sealed class ImProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ImProtocolException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
