namespace ImSignalR.Domain.Ports;

/// <summary>Who blocked whom (SPEC §11), in the system of record.</summary>
public interface IBlockStore
{
    /// <summary>Blocks or unblocks; returns whether anything changed (both are idempotent).</summary>
    Task<bool> SetBlockedAsync(string userId, string blockedUserId, bool blocked, long now, CancellationToken cancellationToken);

    /// <summary>The users <paramref name="userId"/> blocked, oldest first, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<string>> GetBlockedAsync(string userId, int limit, CancellationToken cancellationToken);
}

/// <summary>
/// Tells every node that a user's block list changed, so their caches drop it: Redis pub/sub in cluster mode,
/// nothing to do on a single node. Best effort: caches also expire, which bounds what a lost notice costs.
/// </summary>
public interface IBlockListChanges
{
    /// <summary>Called on this node for every change announced by any node (this one included).</summary>
    void Subscribe(Action<string> changedUserId);

    Task PublishAsync(string userId, CancellationToken cancellationToken);
}
