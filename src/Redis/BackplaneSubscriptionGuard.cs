using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ImSignalR.Redis;

/// <summary>
/// Notices when this node's pub/sub connection came back from a Redis restart without its subscriptions, and has
/// SE.Redis subscribe them again. After a restart SE.Redis re-sends SUBSCRIBE for every channel once, fire and forget,
/// when the connection is re-established; on a loaded node that single attempt was seen to go missing (the node's
/// pub/sub connection held 1 subscription instead of 6 after a freeze, an empty restart and a thaw), and nothing
/// retries it, so the backplane stopped delivering every push to this node's connections until the next reconnect
/// while the node reported healthy. A canary channel of this node shares that connection and that re-subscription: a
/// PUBLISH to it that reaches nobody means the subscriptions are gone, and a reconfigure makes SE.Redis send the
/// missing SUBSCRIBEs (it skips the channels that are subscribed).
/// </summary>
internal sealed partial class BackplaneSubscriptionGuard(IConnectionMultiplexer redis, ILogger<BackplaneSubscriptionGuard> logger)
    : BackgroundService
{
    /// <summary>How often the canary is published; a loss is acted on at the second miss in a row (1–2 s after it).</summary>
    internal static readonly TimeSpan CheckInterval = TimeSpan.FromSeconds(1);

    // The multiplexer prefixes it with Im:Redis:Prefix, like the backplane's channels.
    private readonly RedisChannel _canary = RedisChannel.Literal($"backplane-canary:{Guid.NewGuid():N}");
    private int _misses;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var subscriber = redis.GetSubscriber();
        try
        {
            // Nothing to do with the messages: being subscribed is the point.
            await subscriber.SubscribeAsync(_canary, static (_, _) => { }).ConfigureAwait(false);
        }
        catch (RedisException ex)
        {
            // Redis away at start: SE.Redis subscribes the canary with the others once it is back.
            LogCanaryNotSubscribed(logger, ex);
        }
        using var timer = new PeriodicTimer(CheckInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                await CheckOnceAsync(subscriber).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <returns>False when it found the subscriptions lost (twice in a row) and had them sent again.</returns>
    internal async Task<bool> CheckOnceAsync(ISubscriber subscriber)
    {
        if (!redis.IsConnected)
        {
            return true;
        }
        try
        {
            if (await subscriber.PublishAsync(_canary, RedisValue.EmptyString).ConfigureAwait(false) > 0)
            {
                _misses = 0;
                return true;
            }
            // Once may be the moment between a reconnect and its SUBSCRIBEs; twice in a row is a loss.
            if (++_misses < 2)
            {
                return true;
            }
            _misses = 0;
            LogSubscriptionsLost(logger);
            await redis.ConfigureAsync().ConfigureAwait(false);
            return false;
        }
        catch (Exception ex) when (ex is RedisException or ObjectDisposedException)
        {
            // Lost between the check and the call: the reconnect subscribes everything again.
            LogCheckFailed(logger, ex);
            return true;
        }
    }

    [LoggerMessage(5040, LogLevel.Warning, "Redis pub/sub: this node's subscriptions were not restored after a reconnect (the canary reached nobody); subscribing them again.")]
    private static partial void LogSubscriptionsLost(ILogger logger);

    [LoggerMessage(5041, LogLevel.Information, "Redis pub/sub: the subscription check could not run.")]
    private static partial void LogCheckFailed(ILogger logger, Exception error);

    [LoggerMessage(5042, LogLevel.Information, "Redis pub/sub: the canary channel is subscribed once Redis is reachable.")]
    private static partial void LogCanaryNotSubscribed(ILogger logger, Exception error);
}
