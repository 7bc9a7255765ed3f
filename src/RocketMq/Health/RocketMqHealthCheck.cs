using ImSignalR.RocketMq.Producer;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImSignalR.RocketMq.Health;

/// <summary>
/// Ready while RocketMQ can store sends (SPEC G1 needs SEND_OK for every accepted message): the topic's route is
/// known and its master brokers answer a heartbeat. Some brokers down is Degraded (still ready: only the chats on
/// their queues fail, retriably); none is Unhealthy.
/// </summary>
internal sealed class RocketMqHealthCheck(IRocketMqProducer producer) : IHealthCheck
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        cts.CancelAfter(Timeout);
        try
        {
            var (status, description) = await producer.ProbeAsync(cts.Token);
            return status switch
            {
                ProbeStatus.Healthy => HealthCheckResult.Healthy(description),
                ProbeStatus.Degraded => HealthCheckResult.Degraded(description),
                _ => HealthCheckResult.Unhealthy(description),
            };
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy("RocketMQ did not answer in time");
        }
    }
}
