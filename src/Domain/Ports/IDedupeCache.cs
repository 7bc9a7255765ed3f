namespace ImSignalR.Domain.Ports;

/// <summary>
/// The fast idempotency check on <c>(fromUserId, clientMsgId)</c> (SPEC G2): Redis <c>SET NX</c> + TTL in
/// cluster mode, a dictionary with expiry in embedded mode. The store's unique key stays the last line
/// of defence when this cache forgets (restart, Redis data loss).
/// </summary>
public interface IDedupeCache
{
    /// <summary>
    /// Reserves the key for a send in progress for <paramref name="pendingTtl"/> (short, so a node that
    /// dies mid-send does not block the client's retry for the whole window).
    /// </summary>
    ValueTask<DedupeLookup> TryReserveAsync(string fromUserId, string clientMsgId, TimeSpan pendingTtl, CancellationToken cancellationToken);

    /// <summary>Records the accepted result for the dedupe window.</summary>
    ValueTask CompleteAsync(string fromUserId, string clientMsgId, DedupeRecord record, TimeSpan window, CancellationToken cancellationToken);

    /// <summary>Drops a reservation whose send failed, so the client's retry can go through.</summary>
    ValueTask ReleaseAsync(string fromUserId, string clientMsgId, CancellationToken cancellationToken);
}

public enum DedupeState
{
    /// <summary>This call holds the reservation: go on with the send.</summary>
    Reserved,
    /// <summary>Another send with the same key is in progress.</summary>
    Pending,
    /// <summary>A send with this key was accepted: <see cref="DedupeLookup.Record"/> is its result.</summary>
    Completed,
}

public readonly record struct DedupeLookup(DedupeState State, DedupeRecord? Record = null);

/// <summary>The part of an accepted send's result a duplicate gets back.</summary>
public sealed record DedupeRecord(long MsgId, string ChatId, long Seq, long ServerTime);
