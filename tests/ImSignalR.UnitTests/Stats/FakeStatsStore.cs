using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Ports;

namespace ImSignalR.UnitTests.Stats;

/// <summary>Counted days in a list; moderation hits recorded per call, or refused while <see cref="Failing"/>.</summary>
internal sealed class FakeStatsStore : IStatsStore
{
    public List<DailyStats> Days { get; } = [];

    public List<(DateOnly Day, long Hits)> HitCalls { get; } = [];

    public (DateOnly From, DateOnly To)? LastRange { get; private set; }

    public bool Failing { get; set; }

    public Task<IReadOnlyList<DailyStats>> GetDailyStatsAsync(DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        LastRange = (from, to);
        return Task.FromResult<IReadOnlyList<DailyStats>>(Days);
    }

    public Task<long> PruneActiveSendersAsync(DateOnly before, CancellationToken cancellationToken) => Task.FromResult(0L);

    public Task AddModerationHitsAsync(DateOnly day, long hits, CancellationToken cancellationToken)
    {
        if (Failing)
        {
            throw new ImException(ImErrorCode.StoreUnavailable, "down");
        }
        HitCalls.Add((day, hits));
        return Task.CompletedTask;
    }
}
