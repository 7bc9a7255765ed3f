using StackExchange.Redis;

namespace ImSignalR.Redis;

/// <summary>Builds the process's one <see cref="IConnectionMultiplexer"/> from <see cref="ImRedisOptions"/>.</summary>
internal static class RedisMultiplexer
{
    public static ConfigurationOptions Configure(ImRedisOptions options)
    {
        var config = ConfigurationOptions.Parse(options.Configuration);
        // A node starts while Redis is away and keeps reconnecting in the background.
        config.AbortOnConnectFail = false;
        // While Redis is away a command fails at once (the domain answers IM_STATE_UNAVAILABLE, retriable) instead
        // of waiting in a backlog for the timeout: a send must not hang because Redis restarts.
        config.BacklogPolicy = BacklogPolicy.FailFast;
        var timeoutMs = (int)options.CommandTimeout.TotalMilliseconds;
        config.SyncTimeout = timeoutMs;
        config.AsyncTimeout = timeoutMs;
        config.KeepAlive = (int)options.KeepAlive.TotalSeconds;
        // Retry quickly after a restart (100 ms, doubling up to 5 s) so the node is ready again soon after Redis is.
        config.ReconnectRetryPolicy = new ExponentialRetry(100, 5000);
        config.ClientName ??= "imsignalr";
        // Socket I/O on the regular thread pool, not SE.Redis's dedicated pool: on a node with few cores its
        // dedicated workers spun for a third of the sampled thread time under load (dotnet-trace, c2c-cluster),
        // competing with Kestrel and SignalR for the same cores.
        config.SocketManager = SocketManager.ThreadPool;
        // SE.Redis prepends this to every pub/sub channel, so it is the backplane's channel prefix; keys get the
        // same prefix from RedisKeys.
        config.ChannelPrefix = RedisChannel.Literal(options.Prefix + ":");
        return config;
    }

    public static IConnectionMultiplexer Connect(ImRedisOptions options) => ConnectionMultiplexer.Connect(Configure(options));
}
