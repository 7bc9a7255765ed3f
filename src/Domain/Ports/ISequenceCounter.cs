namespace ImSignalR.Domain.Ports;

/// <summary>
/// Per-chat counters, the state under the sequencing policy (<c>Sequencing.SequenceAllocator</c>): no policy, only atomic steps. A
/// missing counter (new chat, or the counters were lost) is never created by an increment: it is seeded.
/// </summary>
/// <remarks>
/// Beside the counters an adapter keeps a marker, created with the first counter and lost only together with them,
/// and a recovery flag with a time to live. They tell "this chat is new" from "the counters were lost", which only
/// the policy can act on. A distributed adapter keeps them per group of chats stored with those chats' counters
/// (for Redis Cluster: one hash slot), so a part of the state that loses its data loses its markers too.
/// </remarks>
public interface ISequenceCounter
{
    /// <summary>Increments the chat's counter and returns the new value; null when it is missing (nothing created).</summary>
    ValueTask<long?> IncrementExistingAsync(string chatId, CancellationToken cancellationToken);

    /// <summary>
    /// One atomic step: increments the counter when it exists (another node seeded it first); else, when the chat's
    /// marker is missing and <see cref="SequenceSeed.StoreHasMessages"/> is unknown, returns null (nothing changed: ask
    /// the store and call again); else creates the marker (and, when the store has messages and a recovery window is
    /// given, the recovery flag for that window), sets the counter to <see cref="SequenceSeed.Seed"/>, or to
    /// <see cref="SequenceSeed.RecoverySeed"/> while the recovery flag is set, and returns it incremented.
    /// </summary>
    ValueTask<long?> SeedAsync(string chatId, SequenceSeed seed, CancellationToken cancellationToken);

    /// <summary>Raises the counter to <paramref name="floor"/> (never lowers it); a missing one is set to <paramref name="seedIfMissing"/>.</summary>
    ValueTask RaiseToAsync(string chatId, long floor, long seedIfMissing, CancellationToken cancellationToken);
}

/// <param name="Seed">The counter's value when it is created normally (the next seq is one more).</param>
/// <param name="RecoverySeed">The value instead while the recovery flag is set (the counters were lost recently).</param>
/// <param name="RecoveryWindow">How long a recovery flag lives; null when the store cannot lag (no flag is ever created).</param>
/// <param name="StoreHasMessages">Whether the store holds any message; null = not asked yet.</param>
public readonly record struct SequenceSeed(long Seed, long RecoverySeed, TimeSpan? RecoveryWindow, bool? StoreHasMessages);
