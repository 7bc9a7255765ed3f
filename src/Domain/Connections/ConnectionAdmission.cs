using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Domain.Connections;

/// <summary>
/// Admits a hub connection: registers it in <see cref="IPresence"/> and enforces
/// <c>Im:Limits:MaxConnectionsPerUser</c> across the cluster (SPEC §8). A refused connection leaves no
/// presence entry behind: its close never reaches the hub's disconnect handler, so nothing would remove it.
/// </summary>
public sealed class ConnectionAdmission
{
    private readonly IPresence _presence;

    public ConnectionAdmission(IPresence presence, int maxConnectionsPerUser)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxConnectionsPerUser);
        _presence = presence;
        MaxConnectionsPerUser = maxConnectionsPerUser;
    }

    public int MaxConnectionsPerUser { get; }

    /// <summary>Registers the connection, or throws <see cref="ImErrorCode.TooManyConnections"/> with the registration undone.</summary>
    /// <param name="transport">The SignalR transport when known, for the admin listing.</param>
    /// <param name="protocol">The hub protocol when known.</param>
    public async Task AdmitAsync(string userId, string connectionId, string? transport, string? protocol, CancellationToken cancellationToken)
    {
        // Add first, then count: two devices connecting at once cannot both slip under the limit
        // (both may be refused, which the client's retry resolves; neither can exceed it).
        await _presence.AddConnectionAsync(userId, connectionId, transport, protocol, cancellationToken).ConfigureAwait(false);
        var admitted = false;
        try
        {
            if (await _presence.CountConnectionsAsync(userId, cancellationToken).ConfigureAwait(false) > MaxConnectionsPerUser)
            {
                throw new ImException(ImErrorCode.TooManyConnections, $"at most {MaxConnectionsPerUser} connections per user.");
            }
            admitted = true;
        }
        finally
        {
            if (!admitted)
            {
                // CancellationToken.None: the connection is going away (perhaps because it was aborted), and the
                // entry must go with it, or the user stays online and counted against the limit.
                await _presence.RemoveConnectionAsync(userId, connectionId, CancellationToken.None).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Unregisters an admitted connection that closed.</summary>
    public ValueTask ReleaseAsync(string userId, string connectionId) =>
        // CancellationToken.None: the connection is closed already; the entry must go regardless.
        _presence.RemoveConnectionAsync(userId, connectionId, CancellationToken.None);
}
