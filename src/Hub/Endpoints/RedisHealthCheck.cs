using ImSignalR.Infrastructure.Redis;
using ImSignalR.Infrastructure.Redis.Protocol;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImSignalR.Hub.Endpoints;

/// <summary>Ready only while the Redis command connection is up and answers PING.</summary>
internal sealed class RedisHealthCheck(IRedisClient redis) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected)
        {
            return HealthCheckResult.Unhealthy("redis disconnected");
        }
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(Timeout);
        try
        {
            await redis.ExecuteAsync([(RedisArg)"PING"], cts.Token);
            return HealthCheckResult.Healthy("redis answers");
        }
        catch (Exception ex)
        {
            return HealthCheckResult.Unhealthy("redis unreachable: " + ex.GetType().Name);
        }
    }
}
