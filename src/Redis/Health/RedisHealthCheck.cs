using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace ImSignalR.Redis.Health;

/// <summary>
/// Healthy only while the multiplexer is connected and Redis answers a PING within the bound, on every master and on the
/// subscription link the backplane uses. Otherwise the
/// registration's failure status: unhealthy with the RocketMQ log; degraded in the direct-log modes, where the node
/// goes on accepting sends without Redis (pushes across nodes and replays pause until it is back).
/// </summary>
internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        if (!redis.IsConnected)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "redis disconnected");
        }
        try
        {
            // In a Redis Cluster every master must answer: a send touches whichever one owns its keys.
            var masters = redis.GetServers().Where(s => !s.IsReplica).ToArray();
            if (masters.Length == 0 || masters.Any(s => !s.IsConnected))
            {
                return new HealthCheckResult(context.Registration.FailureStatus, "redis: a master is disconnected");
            }
            await Task.WhenAll(masters.Select(s => s.PingAsync())).WaitAsync(Timeout, cancellationToken);
            // The subscription link reconnects on its own socket, after the command link: until it is back, the backplane
            // cannot subscribe a new connection's channels and SignalR ends that connection with an error (seen right
            // after a Redis restart while the command link already answered).
            await redis.GetSubscriber().PingAsync().WaitAsync(Timeout, cancellationToken);
            return HealthCheckResult.Healthy("redis answers");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return new HealthCheckResult(context.Registration.FailureStatus, "redis unreachable: " + ex.GetType().Name);
        }
    }
}
