using ImSignalR.Domain.Ports;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImSignalR.Storage.Health;

/// <summary>Ready only while the store answers a round trip in time.</summary>
internal sealed class StoreHealthCheck(IMessageStore store) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(Timeout);
        try
        {
            await store.PingAsync(cts.Token);
            return HealthCheckResult.Healthy("store answers");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("store unreachable: " + ex.GetType().Name);
        }
    }
}
