using ImSignalR.Domain.Messaging;

namespace ImSignalR.Domain.Ports;

/// <summary>
/// Unacked pushes waiting for a replay (SPEC §5). Entries are claimed atomically under a lease, so two
/// sweepers never replay the same entry and the entries of a sweeper that died come back when its
/// lease runs out.
/// </summary>
public interface IRetryQueue
{
    /// <summary>Adds <paramref name="message"/> with 0 replays done, due at <paramref name="due"/>. Re-adding an id keeps one entry.</summary>
    ValueTask ScheduleAsync(ChatMessage message, DateTimeOffset due, CancellationToken cancellationToken);

    /// <summary>
    /// Moves up to <paramref name="max"/> entries due at <paramref name="now"/> (and entries whose lease
    /// expired) under a lease until <c>now + lease</c> and returns them.
    /// </summary>
    ValueTask<IReadOnlyList<RetryEntry>> ClaimDueAsync(DateTimeOffset now, int max, TimeSpan lease, CancellationToken cancellationToken);

    /// <summary>
    /// Puts a claimed entry back with <see cref="RetryEntry.Replays"/> + 1 and its <see cref="RetryEntry.Message"/>,
    /// due at <paramref name="due"/> — only if it still exists (an ack may have removed it meanwhile). Returns whether it did.
    /// </summary>
    ValueTask<bool> RescheduleAsync(RetryEntry claimed, DateTimeOffset due, CancellationToken cancellationToken);

    /// <summary>
    /// Rewrites the message of <paramref name="message"/>'s entry (queued or leased), keeping its replays, due time and
    /// lease; no entry: nothing. For a send whose log moved it to another seq after its entry was scheduled.
    /// </summary>
    ValueTask ReplaceMessageAsync(ChatMessage message, CancellationToken cancellationToken);

    /// <summary>Removes the entries (queued or leased) of <paramref name="msgIds"/>; unknown ids are ignored.</summary>
    ValueTask RemoveAsync(IReadOnlyCollection<long> msgIds, CancellationToken cancellationToken);

    /// <summary>
    /// The messages of <paramref name="msgIds"/> that still have an entry (queued or leased); ids without
    /// one are left out. Lets an ack of a just-pushed message skip reading the store.
    /// </summary>
    ValueTask<IReadOnlyList<ChatMessage>> GetPendingAsync(IReadOnlyCollection<long> msgIds, CancellationToken cancellationToken);

    /// <summary>Queued plus leased entries, for metrics.</summary>
    ValueTask<long> CountAsync(CancellationToken cancellationToken);
}

/// <param name="Replays">How many times the message has been re-pushed so far.</param>
public sealed record RetryEntry(ChatMessage Message, int Replays);
