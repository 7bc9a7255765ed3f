using ImSignalR.Domain.Ports;
using StackExchange.Redis;

namespace ImSignalR.Redis.State;

/// <summary>
/// Block-list changes on the channel <c>{prefix}:blocks</c> (the payload is the user id), so every node drops its
/// cached list. Pub/sub is at most once: a notice lost while Redis is away is covered by the cache's expiry.
/// </summary>
internal sealed class RedisBlockListChanges(IConnectionMultiplexer redis, RedisKeys keys) : IBlockListChanges
{
    private RedisChannel Channel => RedisChannel.Literal(keys.Prefix + ":blocks");

    public void Subscribe(Action<string> changedUserId) =>
        // Subscribed in the background: a node that starts while Redis is away subscribes once it connects.
        _ = redis.GetSubscriber().SubscribeAsync(Channel, (_, value) =>
        {
            if (!value.IsNullOrEmpty)
            {
                changedUserId(value!);
            }
        }).ContinueWith(static t => _ = t.Exception, CancellationToken.None,
            TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);

    public async Task PublishAsync(string userId, CancellationToken cancellationToken) =>
        await RedisStateCalls.RunAsync(redis.GetSubscriber().PublishAsync(Channel, userId)).ConfigureAwait(false);
}
