using ImSignalR.Redis.Health;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace ImSignalR.Redis;

/// <summary>Redis from configuration: binds and validates <c>Im:Redis</c>, registers the cluster state and its readiness check.</summary>
public static class RedisConfigurationExtensions
{
    /// <summary>The tag the host's <c>/health/ready</c> selects its checks by (the Hub's <c>HealthEndpoints.ReadyTag</c>).</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Binds <c>Im:Redis</c> to <see cref="ImRedisOptions"/> (every member is a key; unknown keys and wrong values stop
    /// the start with a message naming the key), then <see cref="RedisServiceCollectionExtensions.AddImRedisClusterState"/>
    /// and the <c>redis</c> readiness check. <paramref name="configure"/> runs after the binding (for what the host
    /// decides rather than the operator, such as <see cref="ImRedisOptions.StoreMayLag"/>). A down Redis reports
    /// <paramref name="failureStatus"/>: <see cref="HealthStatus.Degraded"/> where the node keeps accepting sends without it.
    /// Add the backplane with <see cref="RedisSignalRBuilderExtensions.AddImRedisBackplane"/>; it shares these options.
    /// </summary>
    public static IServiceCollection AddImRedis(this IServiceCollection services, IConfiguration configuration,
        Action<ImRedisOptions>? configure = null, HealthStatus failureStatus = HealthStatus.Unhealthy)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ImRedisOptions.Section);
        OptionsSection.BindValidated(section, ImRedisOptions.Section, new ImRedisOptionsValidator(), configure);
        services.AddOptions<ImRedisOptions>().Bind(section);
        services.AddImRedisClusterState(configure);
        services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", failureStatus, [ReadyTag], TimeSpan.FromSeconds(3));
        return services;
    }
}
