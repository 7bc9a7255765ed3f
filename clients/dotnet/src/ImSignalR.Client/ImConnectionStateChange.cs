namespace ImSignalR.Client;

/// <summary>One transition of <see cref="ImChatClient.State"/>.</summary>
/// <param name="Previous">The state before.</param>
/// <param name="Current">The state now.</param>
/// <param name="Error">Why the connection was lost or an attempt failed; null otherwise.</param>
public sealed record ImConnectionStateChange(ImConnectionState Previous, ImConnectionState Current, Exception? Error);
