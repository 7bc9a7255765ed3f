using System.Diagnostics.Metrics;

namespace ImSignalR.Hub.Observability;

/// <summary>
/// Instruments owned by the web layer, on the same <c>ImSignalR</c> meter as
/// <see cref="Domain.Services.MessagingMetrics"/>: authentication failures and readiness failures. Rejections of every kind (hub, REST, connect) share <c>im.rejections</c>.
/// </summary>
internal sealed class HubMetrics
{
    public HubMetrics(Meter meter)
    {
        AuthFailures = meter.CreateCounter<long>("im.auth.failures", description: "Bearer tokens refused, by reason (expired, signature, audience, issuer, algorithm, malformed, too_long, bad_sub).");
        HealthCheckFailures = meter.CreateCounter<long>("im.health.check.failures", description: "Readiness checks that reported a dependency unhealthy, by check.");
    }

    public Counter<long> AuthFailures { get; }

    public Counter<long> HealthCheckFailures { get; }
}
