using ImSignalR.Infrastructure.Redis.Backplane;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.DependencyInjection;

namespace ImSignalR.Infrastructure.Redis;

/// <summary>Turns on the Redis backplane for every hub.</summary>
public static class RedisSignalRBuilderExtensions
{
    /// <summary>Replaces the hub lifetime manager with the Redis backplane (shares the connection with the cluster state).</summary>
    public static ISignalRServerBuilder AddImRedisBackplane(this ISignalRServerBuilder builder, Action<ImRedisOptions>? configure = null)
    {
        RedisServiceCollectionExtensions.AddImRedisCore(builder.Services, configure);
        builder.Services.AddSingleton(typeof(HubLifetimeManager<>), typeof(RedisHubLifetimeManager<>));
        return builder;
    }
}
