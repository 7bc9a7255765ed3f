namespace ImSignalR.Domain.Ports;

/// <summary>
/// Which users have live connections, cluster-wide (SPEC §5, §9): the sweeper must never mark a message
/// offline because the recipient is connected to a different node. The Redis adapter ties each entry
/// to a node lease, so a node that dies stops counting when its lease expires.
/// </summary>
public interface IPresence
{
    ValueTask AddConnectionAsync(string userId, string connectionId, CancellationToken cancellationToken);

    ValueTask RemoveConnectionAsync(string userId, string connectionId, CancellationToken cancellationToken);

    ValueTask<bool> IsOnlineAsync(string userId, CancellationToken cancellationToken);

    ValueTask<int> CountConnectionsAsync(string userId, CancellationToken cancellationToken);

    /// <summary>Unix ms of the user's last disconnect anywhere (a node that crashed records none); null when unknown.</summary>
    ValueTask<long?> GetLastSeenAsync(string userId, CancellationToken cancellationToken);
}
