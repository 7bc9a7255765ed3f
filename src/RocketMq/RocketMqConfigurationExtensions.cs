using ImSignalR.RocketMq.Health;
using ImSignalR.RocketMq.Service;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImSignalR.RocketMq;

/// <summary>RocketMQ from configuration: binds and validates <c>Im:RocketMq</c>, registers the log, its readiness check and, if asked, the persistence consumer.</summary>
public static class RocketMqConfigurationExtensions
{
    /// <summary>The tag the host's <c>/health/ready</c> selects its checks by (the Hub's <c>HealthEndpoints.ReadyTag</c>).</summary>
    public const string ReadyTag = "ready";

    /// <summary>
    /// Makes RocketMQ the message and group log (<see cref="RocketMqServiceCollectionExtensions.AddImRocketMqMessageLog(IServiceCollection, IConfiguration)"/>)
    /// with the <c>rocketmq</c> readiness check, and runs the persistence consumer when <paramref name="persistenceConsumer"/>
    /// (the <c>consumer</c> role), and the SPEC §13 service integration (requests when <c>Im:RocketMq:Service:Enabled</c>,
    /// presence events) when <paramref name="serviceIntegration"/> (the <c>hub</c> role). Register the store first. An unknown key in <c>Im:RocketMq</c> stops the start here;
    /// wrong values stop it at host start (<c>ValidateOnStart</c>) with a message naming the key.
    /// </summary>
    public static IServiceCollection AddImRocketMq(this IServiceCollection services, IConfiguration configuration, bool persistenceConsumer, bool serviceIntegration)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(configuration);
        OptionsSection.Bind<RocketMqOptions>(configuration.GetSection(RocketMqServiceCollectionExtensions.SectionName), RocketMqServiceCollectionExtensions.SectionName);
        services.AddImRocketMqMessageLog(configuration);
        services.AddHealthChecks().AddCheck<RocketMqHealthCheck>("rocketmq", HealthStatus.Unhealthy, [ReadyTag], TimeSpan.FromSeconds(3));
        if (serviceIntegration)
        {
            services.AddHostedService<ServiceIntegrationHost>();
            services.AddImRocketMqPresenceEvents(configuration);
        }
        if (persistenceConsumer)
        {
            services.AddImRocketMqPersistenceConsumer(configuration);
        }
        return services;
    }
}
