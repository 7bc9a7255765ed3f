using System.Diagnostics.Metrics;
using ImSignalR.Domain.Ports;
using ImSignalR.RocketMq.Consumer;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace ImSignalR.RocketMq.Service;

/// <summary>Registration of the SPEC §13 presence events (<c>user_join</c>/<c>user_leave</c>).</summary>
public static class PresenceEventsServiceCollectionExtensions
{
    /// <summary>
    /// Makes <see cref="IPresenceEvents"/> the RocketMQ event-topic publisher when <c>Im:RocketMq:Service:Enabled</c>
    /// (register the RocketMQ message log first: it brings the producer and binds the options); otherwise leaves the
    /// registered sink alone.
    /// </summary>
    public static IServiceCollection AddImRocketMqPresenceEvents(this IServiceCollection services, IConfiguration configuration)
    {
        var service = new RocketMqServiceOptions();
        configuration.GetSection(RocketMqServiceCollectionExtensions.SectionName + ":Service").Bind(service);
        if (!service.Enabled)
        {
            return services;
        }
        services.TryAddSingleton<LocalConsumerRegistry>();
        services.TryAddSingleton(sp => new RocketMqMetrics(sp.GetService<Meter>(), sp.GetRequiredService<LocalConsumerRegistry>()));
        services.TryAddSingleton(sp => ActivatorUtilities.CreateInstance<PresenceEventPublisher>(sp));
        services.Replace(ServiceDescriptor.Singleton<IPresenceEvents>(sp => sp.GetRequiredService<PresenceEventPublisher>()));
        services.AddHostedService(sp => sp.GetRequiredService<PresenceEventPublisher>());
        services.AddOptions<RocketMqOptions>().Validate(o => o.Service.PresenceEventQueue is >= 1 and <= 1_000_000,
            "Im:RocketMq:Service:PresenceEventQueue must be 1-1,000,000.");
        return services;
    }
}
