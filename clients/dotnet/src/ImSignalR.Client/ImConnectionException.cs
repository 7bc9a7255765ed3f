namespace ImSignalR.Client;

/// <summary>The connection is not open, was lost during a call, or could not be established.</summary>
public sealed class ImConnectionException : Exception
{
    /// <summary>Creates the exception.</summary>
    public ImConnectionException(string message, Exception? inner = null, bool allowReconnect = true)
        : base(message, inner)
    {
        AllowReconnect = allowReconnect;
    }

    /// <summary>False when the server closed the connection and asked clients not to reconnect.</summary>
    public bool AllowReconnect { get; }
}
