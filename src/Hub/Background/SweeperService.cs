using ImSignalR.Domain.Services;
using ImSignalR.Hub.Settings;
using Microsoft.Extensions.Options;

namespace ImSignalR.Hub.Background;

/// <summary>Runs <see cref="RetrySweeper"/> on every node with the <c>sweeper</c> role (SPEC §5).</summary>
internal sealed class SweeperService : BackgroundService
{
    private readonly RetrySweeper _sweeper;
    private readonly TimeSpan _interval;
    private readonly ILogger<SweeperService> _logger;

    public SweeperService(RetrySweeper sweeper, IOptions<ImOptions> options, ILogger<SweeperService> logger)
    {
        _sweeper = sweeper;
        _interval = options.Value.Retry.SweepInterval;
        _logger = logger;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                // A full batch means more is due: sweep again at once instead of waiting a tick.
                while (await _sweeper.SweepOnceAsync(stoppingToken) > 0 && !stoppingToken.IsCancellationRequested)
                {
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                BackgroundLog.SweepFailed(_logger, ex);
            }
            try
            {
                await timer.WaitForNextTickAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
