namespace ImSignalR.Domain.Ports;

/// <summary>
/// Which users have live connections, cluster-wide (SPEC §5, §9): the sweeper must never mark a message
/// offline because the recipient is connected to a different node. The Redis adapter ties each entry
/// to a node lease, so a node that dies stops counting when its lease expires.
/// An adapter also decides, atomically cluster-wide, when a user's first connection opens and their last one
/// closes (or its node died), and reports each such change once to <see cref="IPresenceEvents"/> (SPEC §13
/// <c>user_join</c> / <c>user_leave</c>).
/// </summary>
public interface IPresence
{
    /// <summary>Registers a connection whose transport and protocol are not known (tests, tools).</summary>
    ValueTask AddConnectionAsync(string userId, string connectionId, CancellationToken cancellationToken);

    /// <param name="transport">The SignalR transport (<c>WebSockets</c>, …) when known, for the admin listing; no spaces.</param>
    /// <param name="protocol">The hub protocol (<c>json</c>, <c>messagepack</c>) when known; no spaces.</param>
    ValueTask AddConnectionAsync(string userId, string connectionId, string? transport, string? protocol, CancellationToken cancellationToken);

    ValueTask RemoveConnectionAsync(string userId, string connectionId, CancellationToken cancellationToken);

    ValueTask<bool> IsOnlineAsync(string userId, CancellationToken cancellationToken);

    ValueTask<int> CountConnectionsAsync(string userId, CancellationToken cancellationToken);

    /// <summary>
    /// Whether the user has a live connection other than <paramref name="connectionId"/> on any node: the send path
    /// pushes to the sender's other devices only then (a push through the backplane costs a publish and a receive on
    /// every node that holds the user, for nothing when the sending connection is the only one). An adapter that is
    /// unsure (its state may be incomplete) answers true. The default counts, which is right whenever the asking
    /// connection is registered (a hub method runs only after its connection's registration).
    /// </summary>
    async ValueTask<bool> HasOtherConnectionAsync(string userId, string connectionId, CancellationToken cancellationToken) =>
        await CountConnectionsAsync(userId, cancellationToken).ConfigureAwait(false) > 1;

    /// <summary>
    /// The user's live connections on every node (SPEC §12 admin), at most <paramref name="limit"/>: a user has at
    /// most <c>Im:Limits:MaxConnectionsPerUser</c> of them, plus the ones being refused at that moment.
    /// </summary>
    ValueTask<IReadOnlyList<PresenceConnection>> ListConnectionsAsync(string userId, int limit, CancellationToken cancellationToken);

    /// <summary>Unix ms of the user's last disconnect anywhere (a node that crashed records none); null when unknown.</summary>
    ValueTask<long?> GetLastSeenAsync(string userId, CancellationToken cancellationToken);
}
