namespace ImSignalR.Client;

/// <summary>Where an <see cref="ImChatClient"/> stands with the hub.</summary>
public enum ImConnectionState
{
    /// <summary>Not started, or disposed.</summary>
    Disconnected,

    /// <summary>The first connection is being made by <see cref="ImChatClient.ConnectAsync"/>.</summary>
    Connecting,

    /// <summary>Connected; calls go through and pushes arrive.</summary>
    Connected,

    /// <summary>The connection was lost; the client is reconnecting (with backoff, until disposed).</summary>
    Reconnecting,
}
