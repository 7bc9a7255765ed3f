using ImSignalR.Contracts;

namespace ImSignalR.Domain.Ports;

/// <summary>
/// The daily counters of SPEC §12 in the system of record. Messages, active senders, new conversations and
/// recalls are counted by <see cref="IMessageStore.ApplyAsync"/> itself, in the transaction that applies the
/// events and only for rows it actually wrote, so a redelivered event counts once. A moderation hit never
/// reaches the store (the refused message is never logged), so the node that refused it adds it here.
/// </summary>
public interface IStatsStore
{
    /// <summary>
    /// The counted days between <paramref name="from"/> and <paramref name="to"/> (UTC, inclusive), ascending;
    /// days with nothing counted are left out.
    /// </summary>
    Task<IReadOnlyList<DailyStats>> GetDailyStatsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>Adds <paramref name="hits"/> moderation hits to <paramref name="day"/> (UTC). Not idempotent: call once per batch of hits.</summary>
    Task AddModerationHitsAsync(DateOnly day, long hits, CancellationToken cancellationToken);

    /// <summary>
    /// Deletes the "who sent that day" rows of days before <paramref name="before"/>, in bounded steps. The days'
    /// counts stay; only a message of such a day that arrives later still (a very late consumer) may count its
    /// sender a second time.
    /// </summary>
    /// <returns>The rows deleted.</returns>
    Task<long> PruneActiveSendersAsync(DateOnly before, CancellationToken cancellationToken);
}
