using ImSignalR.Infrastructure.Redis.Protocol;

namespace ImSignalR.Infrastructure.Redis;

/// <summary>
/// The seam between the adapters (backplane, cluster state) and the wire client, kept small so
/// StackExchange.Redis can sit behind it once the registry serves it.
/// </summary>
internal interface IRedisClient : IAsyncDisposable
{
    /// <summary>Both the command and the subscriber connection are up.</summary>
    bool IsConnected { get; }

    /// <summary>Raised after a connection (command or subscriber) came back; subscriptions are live again by then.</summary>
    event EventHandler<RedisConnectionEventArgs>? ConnectionRestored;

    /// <summary>Raised when a connection broke or a connect attempt failed.</summary>
    event EventHandler<RedisConnectionEventArgs>? ConnectionFailed;

    /// <summary>Runs one command (name first) on the pipelined connection.</summary>
    /// <exception cref="RedisUnavailableException">Redis is away or the connection broke.</exception>
    /// <exception cref="RedisTimeoutException">No reply within the command timeout.</exception>
    /// <exception cref="RedisServerException">Redis answered with an error.</exception>
    Task<RedisValue> ExecuteAsync(RedisArg[] command, CancellationToken cancellationToken);

    /// <summary>EVALSHA, falling back to SCRIPT LOAD and a retry when the server answers NOSCRIPT.</summary>
    Task<RedisValue> EvaluateAsync(RedisScript script, RedisArg[] keys, RedisArg[] args, CancellationToken cancellationToken);

    /// <summary>PUBLISH; returns the number of receivers.</summary>
    Task<long> PublishAsync(string channel, ReadOnlyMemory<byte> message, CancellationToken cancellationToken);

    /// <summary>
    /// Subscribes <paramref name="handler"/> to a literal channel; messages reach one handler in publish order.
    /// The channel stays subscribed (and is re-subscribed after a reconnect) until the returned handle is disposed.
    /// </summary>
    Task<IAsyncDisposable> SubscribeAsync(string channel, Func<ReadOnlyMemory<byte>, ValueTask> handler, CancellationToken cancellationToken);
}
