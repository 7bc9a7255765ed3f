using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Sequencing;
using ImSignalR.Redis.Internal;
using ImSignalR.Redis.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace ImSignalR.Redis;

/// <summary>Registers the process's Redis multiplexer and the cluster-wide state ports.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Replaces <see cref="IPresence"/> (reporting to the registered <see cref="IPresenceEvents"/>, if any),
    /// <see cref="IUserDisconnects"/>, <see cref="IDedupeCache"/>, <see cref="IRetryQueue"/> and
    /// <see cref="ISequenceCounter"/> with their Redis adapters, and gives the sequencing policy the Redis settings.
    /// </summary>
    public static IServiceCollection AddImRedisClusterState(this IServiceCollection services, Action<ImRedisOptions>? configure = null)
    {
        AddImRedisCore(services, configure);
        services.TryAddSingleton(sp => new RedisKeys(sp.GetRequiredService<IOptions<ImRedisOptions>>().Value.Prefix));
        services.Replace(ServiceDescriptor.Singleton<IPresence>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ImRedisOptions>>().Value;
            return new RedisPresence(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<RedisKeys>(), options.NodeId,
                options.PresenceLeaseTtl, sp.GetRequiredService<ILoggerFactory>().CreateLogger<RedisPresence>(), sp.GetService<IPresenceEvents>());
        }));
        services.AddHostedService<RedisPresenceShutdown>();
        services.TryAddSingleton<INodeIdLease>(sp => new RedisNodeIdLease(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<RedisKeys>(),
            sp.GetRequiredService<IOptions<ImRedisOptions>>().Value.NodeIdLeaseTtl, sp.GetRequiredService<ILoggerFactory>().CreateLogger<RedisNodeIdLease>()));
        services.Replace(ServiceDescriptor.Singleton<IBlockListChanges>(sp =>
            new RedisBlockListChanges(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<RedisKeys>())));
        services.Replace(ServiceDescriptor.Singleton<IUserDisconnects>(sp =>
            new RedisUserDisconnects(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<RedisKeys>())));
        services.Replace(ServiceDescriptor.Singleton<IDedupeCache>(sp =>
            new RedisDedupeCache(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<RedisKeys>())));
        services.Replace(ServiceDescriptor.Singleton<IRetryQueue>(sp =>
            new RedisRetryQueue(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<RedisKeys>())));
        // The counters only; the policy over them (Domain's SequenceAllocator) takes these settings.
        services.Replace(ServiceDescriptor.Singleton<ISequenceCounter>(sp =>
            new RedisSequenceCounter(sp.GetRequiredService<IConnectionMultiplexer>(), sp.GetRequiredService<RedisKeys>())));
        services.AddOptions<SequencingOptions>().Configure<IOptions<ImRedisOptions>>((sequencing, redis) =>
        {
            sequencing.ReseedJump = redis.Value.SeqReseedJump;
            sequencing.StoreMayLag = redis.Value.StoreMayLag;
            sequencing.RecoveryWindow = redis.Value.SeqRecoveryWindow;
        });
        return services;
    }

    /// <summary>
    /// The one place the options and the process's single <see cref="IConnectionMultiplexer"/> are registered;
    /// the backplane and the state adapters share it. Configure callbacks of both callers apply to the same options.
    /// </summary>
    internal static IServiceCollection AddImRedisCore(IServiceCollection services, Action<ImRedisOptions>? configure)
    {
        var builder = services.AddOptions<ImRedisOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }
        builder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ImRedisOptions>, ImRedisOptionsValidator>());
        services.TryAddSingleton(sp =>
        {
            var multiplexer = RedisMultiplexer.Connect(sp.GetRequiredService<IOptions<ImRedisOptions>>().Value);
            var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("ImSignalR.Redis");
            multiplexer.ConnectionFailed += (_, e) =>
                RedisLog.ConnectionBroken(logger, e.ConnectionType.ToString(), e.EndPoint?.ToString() ?? "?", e.FailureType.ToString(), e.Exception);
            multiplexer.ConnectionRestored += (_, e) => RedisLog.Connected(logger, e.ConnectionType.ToString(), e.EndPoint?.ToString() ?? "?");
            return multiplexer;
        });
        return services;
    }
}
