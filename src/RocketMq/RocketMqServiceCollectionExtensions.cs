using System.Diagnostics.Metrics;
using ImSignalR.Domain.Ports;
using ImSignalR.RocketMq.Consumer;
using ImSignalR.RocketMq.Producer;
using ImSignalR.RocketMq.ReadYourWrites;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImSignalR.RocketMq;

/// <summary>Registration of the RocketMQ message log and persistence consumer.</summary>
public static class RocketMqServiceCollectionExtensions
{
    /// <summary>The configuration section bound to <see cref="RocketMqOptions"/>.</summary>
    public const string SectionName = "Im:RocketMq";

    /// <summary><c>PullRequestHoldService</c> re-checks held pulls this often: a hold ends up to this late.</summary>
    internal static readonly TimeSpan BrokerHoldCheckInterval = TimeSpan.FromSeconds(5);

    /// <summary>Makes RocketMQ the <see cref="IMessageLog"/> (binds <c>Im:RocketMq</c>).</summary>
    public static IServiceCollection AddImRocketMqMessageLog(this IServiceCollection services, IConfiguration configuration) =>
        services.AddImRocketMqMessageLog(o => configuration.GetSection(SectionName).Bind(o));

    /// <summary>Makes RocketMQ the <see cref="IMessageLog"/>.</summary>
    public static IServiceCollection AddImRocketMqMessageLog(this IServiceCollection services, Action<RocketMqOptions> configure)
    {
        services.AddImRocketMqOptions(configure);
        services.TryAddSingleton<IRocketMqProducer>(sp =>
            new RocketMqProducer(sp.GetRequiredService<IOptions<RocketMqOptions>>().Value, sp.GetRequiredService<ILogger<RocketMqProducer>>()));
        services.Replace(ServiceDescriptor.Singleton<IMessageLog, RocketMqMessageLog>());
        services.TryAddSingleton<LocalConsumerRegistry>();
        services.TryAddSingleton(sp => new ReadYourWritesBarrier(
            sp.GetRequiredService<IOptions<RocketMqOptions>>().Value, sp.GetRequiredService<LocalConsumerRegistry>(),
            sp.GetRequiredService<ILogger<ReadYourWritesBarrier>>()));
        DecorateStoreWithReadYourWrites(services);
        // Group events go to their own topic (SPEC §10); register before the groups' direct default, which is a TryAdd.
        services.Replace(ServiceDescriptor.Singleton<IGroupLog>(sp => ActivatorUtilities.CreateInstance<RocketMqGroupLog>(sp)));
        return services;
    }

    /// <summary>
    /// Wraps the registered <see cref="IMessageStore"/> (if any; register the store first) in the read-your-writes
    /// decorator: the log is durable before the store has the message, and reads must not miss it.
    /// </summary>
    private static void DecorateStoreWithReadYourWrites(IServiceCollection services)
    {
        var original = services.LastOrDefault(d => d.ServiceType == typeof(IMessageStore) && !d.IsKeyedService);
        if (original is null || original.Lifetime != ServiceLifetime.Singleton)
        {
            return;
        }
        services.Replace(ServiceDescriptor.Singleton<IMessageStore>(sp =>
        {
            var inner = original.ImplementationInstance as IMessageStore
                ?? original.ImplementationFactory?.Invoke(sp) as IMessageStore
                ?? (IMessageStore)ActivatorUtilities.CreateInstance(sp, original.ImplementationType!);
            return new ReadYourWritesMessageStore(inner, sp.GetRequiredService<ReadYourWritesBarrier>());
        }));
    }

    /// <summary>Runs the persistence consumer (the <c>im-business</c> role) as a hosted service. Needs an <see cref="IMessageStore"/>.</summary>
    public static IServiceCollection AddImRocketMqPersistenceConsumer(this IServiceCollection services, IConfiguration configuration) =>
        services.AddImRocketMqPersistenceConsumer(o => configuration.GetSection(SectionName).Bind(o));

    /// <summary>Runs the persistence consumer (the <c>im-business</c> role) as a hosted service. Needs an <see cref="IMessageStore"/>.</summary>
    public static IServiceCollection AddImRocketMqPersistenceConsumer(this IServiceCollection services, Action<RocketMqOptions> configure)
    {
        services.AddImRocketMqOptions(configure);
        services.TryAddSingleton<LocalConsumerRegistry>();
        services.TryAddSingleton(sp => new RocketMqMetrics(sp.GetService<Meter>(), sp.GetRequiredService<LocalConsumerRegistry>()));
        services.TryAddSingleton(sp =>
        {
            // The lag gauge observes the consumers this process runs; the consumer also counts the events it publishes.
            return ActivatorUtilities.CreateInstance<RocketMqPersistenceConsumer>(sp);
        });
        services.AddHostedService(sp => sp.GetRequiredService<RocketMqPersistenceConsumer>());
        return services;
    }

    private static void AddImRocketMqOptions(this IServiceCollection services, Action<RocketMqOptions> configure)
    {
        services.AddOptions<RocketMqOptions>()
            .Configure(configure)
            .ValidateDataAnnotations()
            .Validate(o => o.NameServerAddresses().Length > 0, "Im:RocketMq:NameServer must name at least one host:port.")
            .Validate(o => o.PullSuspendTimeout > TimeSpan.Zero && o.RequestTimeout > TimeSpan.Zero, "Im:RocketMq timeouts must be positive.")
            .Validate(o => o.PullTimeout > o.PullSuspendTimeout + BrokerHoldCheckInterval,
                "Im:RocketMq:PullTimeout must exceed PullSuspendTimeout by more than the broker's 5 s hold check (Java: 30 s vs 15 s).")
            .Validate(o => o.PullErrorDelay > TimeSpan.Zero && o.PullErrorDelayMax >= o.PullErrorDelay,
                "Im:RocketMq:PullErrorDelayMax must be at least PullErrorDelay, and both positive.")
            .Validate(o => o.GroupApplyTimeout > TimeSpan.Zero, "Im:RocketMq:GroupApplyTimeout must be positive (group membership is read back right after a change).")
            .Validate(o => !string.Equals(o.GroupTopic, o.Topic, StringComparison.Ordinal),
                "Im:RocketMq:GroupTopic must differ from Im:RocketMq:Topic: the Java im-business on the C2C topic must see no group events.")
            .Validate(o => !string.Equals(o.GroupConsumerGroup, o.ConsumerGroup, StringComparison.Ordinal),
                "Im:RocketMq:GroupConsumerGroup must differ from Im:RocketMq:ConsumerGroup (one subscription set per consumer group).")
            .ValidateOnStart();
    }
}
