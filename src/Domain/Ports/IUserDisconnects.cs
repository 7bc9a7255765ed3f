namespace ImSignalR.Domain.Ports;

/// <summary>
/// Asks every node to close a user's connections (SPEC §12 admin disconnect): Redis pub/sub in cluster mode, this
/// node only when it is the whole cluster. A kick, not a ban: the user may connect again at once. At most once: a
/// node that is cut off from Redis when the request is published does not hear it.
/// </summary>
public interface IUserDisconnects
{
    /// <summary>Called on this node for every request published by any node (this one included).</summary>
    void Subscribe(Action<string> userId);

    Task PublishAsync(string userId, CancellationToken cancellationToken);
}
