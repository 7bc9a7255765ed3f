using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Services;

namespace ImSignalR.Hub.Background;

/// <summary>
/// Adds this node's moderation hits (<see cref="ModerationHitCounter"/>) to the daily statistics once a second,
/// and once more on a graceful stop. A failed flush keeps the hits for the next tick and warns once per outage.
/// </summary>
internal sealed class StatsFlushService(ModerationHitCounter hits, IStatsStore store, ILogger<StatsFlushService> logger) : BackgroundService
{
    internal static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    /// <summary>The last flush may not hold up the shutdown for longer (the store may be what is gone).</summary>
    private static readonly TimeSpan FinalFlushTimeout = TimeSpan.FromSeconds(3);

    private bool _failing;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Interval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                await FlushAsync(stoppingToken);
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
}
