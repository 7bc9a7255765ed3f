using ImSignalR.Domain.Ports;
using StackExchange.Redis;

namespace ImSignalR.Redis.State;

/// <summary>
/// Disconnect requests (SPEC §12) on the channel <c>{prefix}:disconnect</c>; the payload is the user id. Pub/sub is
/// at most once: a node cut off from Redis at that moment keeps the user's connections (the admin may ask again).
/// </summary>
internal sealed class RedisUserDisconnects(IConnectionMultiplexer redis, RedisKeys keys) : IUserDisconnects
{
    private RedisChannel Channel => RedisChannel.Literal(keys.Prefix + ":disconnect");

    public void Subscribe(Action<string> userId) =>
        // Subscribed in the background: a node that starts while Redis is away subscribes once it connects.
        _ = redis.GetSubscriber().SubscribeAsync(Channel, (_, value) =>
        {
            if (!value.IsNullOrEmpty)
            {
                userId(value!);
            }
        }).ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    public async Task PublishAsync(string userId, CancellationToken cancellationToken) =>
        await RedisStateCalls.RunAsync(redis.GetSubscriber().PublishAsync(Channel, userId)).ConfigureAwait(false);
}
