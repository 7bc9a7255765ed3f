using ImSignalR.Domain.Ports;
using ImSignalR.Infrastructure.Redis.State;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace ImSignalR.Infrastructure.Redis;

/// <summary>Registers the Redis client and the cluster-wide state ports.</summary>
public static class RedisServiceCollectionExtensions
{
    /// <summary>
    /// Replaces <see cref="IPresence"/>, <see cref="IDedupeCache"/>, <see cref="IRetryQueue"/> and
    /// <see cref="ISequenceAllocator"/> with their Redis adapters (the allocator needs an <see cref="IMessageStore"/>).
    /// </summary>
    public static IServiceCollection AddImRedisClusterState(this IServiceCollection services, Action<ImRedisOptions>? configure = null)
    {
        AddImRedisCore(services, configure);
        services.TryAddSingleton(sp => new RedisKeys(sp.GetRequiredService<IOptions<ImRedisOptions>>().Value.KeyPrefix));
        services.Replace(ServiceDescriptor.Singleton<IPresence>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ImRedisOptions>>().Value;
            return new RedisPresence(sp.GetRequiredService<IRedisClient>(), sp.GetRequiredService<RedisKeys>(), options.NodeId,
                options.PresenceLeaseTtl, sp.GetRequiredService<ILoggerFactory>().CreateLogger<RedisPresence>());
        }));
        services.Replace(ServiceDescriptor.Singleton<IDedupeCache>(sp =>
            new RedisDedupeCache(sp.GetRequiredService<IRedisClient>(), sp.GetRequiredService<RedisKeys>())));
        services.Replace(ServiceDescriptor.Singleton<IRetryQueue>(sp =>
            new RedisRetryQueue(sp.GetRequiredService<IRedisClient>(), sp.GetRequiredService<RedisKeys>())));
        services.Replace(ServiceDescriptor.Singleton<ISequenceAllocator>(sp =>
        {
            var options = sp.GetRequiredService<IOptions<ImRedisOptions>>().Value;
            return new RedisSequenceAllocator(sp.GetRequiredService<IRedisClient>(), sp.GetRequiredService<RedisKeys>(),
                sp.GetRequiredService<IMessageStore>(), options.SeqReseedJump, options.StoreMayLag ? options.SeqRecoveryWindow : null,
                sp.GetRequiredService<ILoggerFactory>().CreateLogger<RedisSequenceAllocator>());
        }));
        return services;
    }

    /// <summary>The one place the options and the shared connection are registered (backplane and state share it).</summary>
    internal static IServiceCollection AddImRedisCore(IServiceCollection services, Action<ImRedisOptions>? configure)
    {
        var builder = services.AddOptions<ImRedisOptions>();
        if (configure is not null)
        {
            builder.Configure(configure);
        }
        builder.Validate(o => !o.Validate().Any(), "ImRedisOptions is invalid (Configuration, NodeId, PresenceLeaseTtl, SeqReseedJump, GroupAckTimeout).")
            .ValidateOnStart();
        services.TryAddSingleton<IRedisClient>(sp => new RedisConnection(
            RedisConfiguration.Parse(sp.GetRequiredService<IOptions<ImRedisOptions>>().Value.Configuration),
            sp.GetRequiredService<ILoggerFactory>().CreateLogger<RedisConnection>()));
        return services;
    }
}
