using System.Diagnostics.Metrics;
using ImSignalR.Hub.Endpoints;
using ImSignalR.Hub.Hubs;
using ImSignalR.Hub.Observability;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImSignalR.Hub.Composition;

/// <summary>Metrics, readiness and graceful shutdown (issue 10), composed next to the adapters.</summary>
internal static class OperationsRegistration
{
    /// <summary>Upper bound for one dependency check, so a hung dependency turns ready red instead of hanging the probe.</summary>
    public static readonly TimeSpan CheckTimeout = TimeSpan.FromSeconds(3);

    /// <summary>
    /// Telemetry (OpenTelemetry, <c>/metrics</c>, OTLP when configured), web-layer metrics and the
    /// hub's graceful shutdown. Needs the <see cref="Meter"/> the domain registers; call after the hub
    /// protocols are added (it wraps them to count binding failures).
    /// </summary>
    public static IServiceCollection AddImOperations(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddImTelemetry(configuration);
        CountingHubProtocol.Decorate(services);
        services.AddSingleton(sp => new HubMetrics(sp.GetRequiredService<Meter>()));
        services.AddSingleton<ConnectionDrain>();
        services.AddHostedService<GracefulShutdownService>();
        return services;
    }

    /// <summary>
    /// The extension point for readiness of the Hub's own dependencies: one <see cref="IHealthCheck"/> each. The
    /// adapters register theirs (<c>"store"</c>, <c>"redis"</c>, <c>"rocketmq"</c>) in <c>AddImStorage</c>,
    /// <c>AddImRedis</c> and <c>AddImRocketMq</c> with the same tag. <c>/health/ready</c> runs every check with the
    /// ready tag; any unhealthy one makes it 503, and each failure is counted in
    /// <c>im.health.check.failures{check}</c>. A dependency the node can work without reports its failure as
    /// <paramref name="failureStatus"/> <see cref="HealthStatus.Degraded"/>: ready stays 200 and says "Degraded".
    /// </summary>
    public static IServiceCollection AddImReadinessCheck<TCheck>(this IServiceCollection services, string name, HealthStatus failureStatus = HealthStatus.Unhealthy)
        where TCheck : class, IHealthCheck
    {
        services.AddHealthChecks().AddCheck<TCheck>(name, failureStatus, [HealthEndpoints.ReadyTag], CheckTimeout);
        return services;
    }
}
