using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace ImSignalR.Hub.Endpoints;

/// <summary>Ready only while the multiplexer is connected and Redis answers a PING within the bound.</summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected)
        {
            return HealthCheckResult.Unhealthy("redis disconnected");
        }
        try
        {
            // In a Redis Cluster every master must answer: a send touches whichever one owns its keys.
            var masters = redis.GetServers().Where(s => !s.IsReplica).ToArray();
            if (masters.Length == 0 || masters.Any(s => !s.IsConnected))
            {
                return HealthCheckResult.Unhealthy("redis: a master is disconnected");
            }
            await Task.WhenAll(masters.Select(s => s.PingAsync())).WaitAsync(Timeout, cancellationToken);
            return HealthCheckResult.Healthy("redis answers");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy("redis unreachable: " + ex.GetType().Name);
        }
    }
}
