namespace ImSignalR.Client;

/// <summary>The server sent bytes that are not a valid SignalR message; the connection is closed.</summary>
public sealed class ImProtocolException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ImProtocolException(string message, Exception? inner = null)
        : base(message, inner)
    {
    }
}
