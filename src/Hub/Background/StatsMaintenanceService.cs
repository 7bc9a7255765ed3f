using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Services;

namespace ImSignalR.Hub.Background;

/// <summary>
/// The statistics' housekeeping on every node (SPEC §12): adds this node's moderation hits
/// (<see cref="ModerationHitCounter"/>) to the daily statistics once a second and once more on a graceful stop
/// (a failed flush keeps the hits for the next tick and warns once per outage), and once an hour deletes the
/// <c>stats_active_senders</c> rows older than <see cref="StatsService.ActiveSenderRetentionDays"/>.
/// </summary>
internal sealed class StatsMaintenanceService(ModerationHitCounter hits, IStatsStore store, TimeProvider time, ILogger<StatsMaintenanceService> logger)
    : BackgroundService
{
    internal static readonly TimeSpan FlushInterval = TimeSpan.FromSeconds(1);

    internal static readonly TimeSpan PruneInterval = TimeSpan.FromHours(1);

    /// <summary>The last flush may not hold up the shutdown for longer (the store may be what is gone).</summary>
    private static readonly TimeSpan FinalFlushTimeout = TimeSpan.FromSeconds(3);

    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(FlushInterval, time);
        var nextPrune = time.GetUtcNow();
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
                if (time.GetUtcNow() >= nextPrune)
                {
                    nextPrune = time.GetUtcNow() + PruneInterval;
                    await PruneAsync(stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(FinalFlushTimeout);
        try
        {
            await FlushAsync(bounded.Token);
        }
        catch (OperationCanceledException)
        {
            // Out of time: the hits of the last second are lost, as the counter's remarks allow.
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        try
        {
            await hits.FlushAsync(store, cancellationToken);
            if (_failing)
            {
                _failing = false;
                StatsLog.FlushRecovered(logger);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (_failing)
            {
                StatsLog.FlushStillFailing(logger, hits.Pending, ex);
            }
            else
            {
                _failing = true;
                StatsLog.FlushFailed(logger, hits.Pending, ex);
            }
        }
    }

    private async Task PruneAsync(CancellationToken cancellationToken)
    {
        var today = DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime);
        try
        {
            var deleted = await store.PruneActiveSendersAsync(today.AddDays(-StatsService.ActiveSenderRetentionDays), cancellationToken);
            if (deleted > 0)
            {
                StatsLog.ActiveSendersPruned(logger, deleted);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            StatsLog.PruneFailed(logger, ex);
        }
    }
}
