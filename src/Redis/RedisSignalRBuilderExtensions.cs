using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.StackExchangeRedis;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace ImSignalR.Redis;

/// <summary>Turns on the official Redis backplane (Microsoft.AspNetCore.SignalR.StackExchangeRedis) for every hub.</summary>
public static class RedisSignalRBuilderExtensions
{
    /// <summary>
    /// Adds the official backplane on the process's one multiplexer (shared with the cluster state), so its channels
    /// carry the <see cref="ImRedisOptions.Prefix"/> (the multiplexer's channel prefix) and its reconnects are the
    /// multiplexer's. The backplane disposes the multiplexer when the container disposes it; presence cleans up
    /// before that (see <c>RedisPresenceShutdown</c>).
    /// </summary>
    public static ISignalRServerBuilder AddImRedisBackplane(this ISignalRServerBuilder builder, Action<ImRedisOptions>? configure = null)
    {
        RedisServiceCollectionExtensions.AddImRedisCore(builder.Services, configure);
        builder.AddStackExchangeRedis();
        builder.Services.AddOptions<RedisOptions>().Configure<IServiceProvider>((redis, sp) =>
            redis.ConnectionFactory = _ => Task.FromResult(sp.GetRequiredService<IConnectionMultiplexer>()));
        // SE.Redis restores the subscriptions after a reconnect only once, fire and forget; this notices a miss.
        builder.Services.AddHostedService<BackplaneSubscriptionGuard>();
        return builder;
    }
}
