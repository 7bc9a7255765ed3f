using ImSignalR.Infrastructure.Redis.Internal;
using ImSignalR.Infrastructure.Redis.Protocol;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImSignalR.Infrastructure.Redis;

/// <summary>
/// Our Redis client: one pipelined command connection and one subscriber connection to the same server.
/// Both connect in the background on construction and reconnect by themselves; nothing throws at startup
/// when Redis is away (commands fail with <see cref="RedisUnavailableException"/> until it is back).
/// </summary>
internal sealed class RedisConnection : IRedisClient
{
    private readonly RedisCommandConnection _commands;
    private readonly RedisSubscriberConnection _subscriber;
    private readonly ILogger _logger;

    public RedisConnection(RedisConfiguration configuration, ILogger<RedisConnection>? logger = null, RespLimits? limits = null)
    {
        Configuration = configuration;
        _logger = (ILogger?)logger ?? NullLogger.Instance;
        limits ??= RespLimits.Default;
        _commands = new RedisCommandConnection(configuration, limits, _logger);
        _subscriber = new RedisSubscriberConnection(configuration, limits, _logger);
        _commands.Connected += (_, e) => ConnectionRestored?.Invoke(this, e);
        _subscriber.Connected += (_, e) => ConnectionRestored?.Invoke(this, e);
        _commands.Disconnected += (_, e) => ConnectionFailed?.Invoke(this, e);
        _subscriber.Disconnected += (_, e) => ConnectionFailed?.Invoke(this, e);
    }

    public event EventHandler<RedisConnectionEventArgs>? ConnectionRestored;

    public event EventHandler<RedisConnectionEventArgs>? ConnectionFailed;

    public RedisConfiguration Configuration { get; }

    public bool IsConnected => _commands.IsConnected && _subscriber.IsConnected;

    public bool IsCommandConnected => _commands.IsConnected;

    public bool IsSubscriberConnected => _subscriber.IsConnected;

    public Task<RedisValue> ExecuteAsync(RedisArg[] command, CancellationToken cancellationToken) =>
        _commands.ExecuteAsync(command, cancellationToken);

    public async Task<RedisValue> EvaluateAsync(RedisScript script, RedisArg[] keys, RedisArg[] args, CancellationToken cancellationToken)
    {
        var command = new RedisArg[3 + keys.Length + args.Length];
        command[0] = "EVALSHA";
        command[1] = script.Sha1;
        command[2] = keys.Length;
        keys.CopyTo(command, 3);
        args.CopyTo(command, 3 + keys.Length);
        try
        {
            return await _commands.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
        }
        catch (RedisServerException ex) when (ex.Prefix == "NOSCRIPT")
        {
            // The script cache is volatile (restart, failover, SCRIPT FLUSH): load it and retry once.
            RedisLog.ScriptReloaded(_logger, script.Sha1);
            await _commands.ExecuteAsync(["SCRIPT", "LOAD", script.Source], cancellationToken).ConfigureAwait(false);
            return await _commands.ExecuteAsync(command, cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task<long> PublishAsync(string channel, ReadOnlyMemory<byte> message, CancellationToken cancellationToken)
    {
        var reply = await _commands.ExecuteAsync(["PUBLISH", channel, message], cancellationToken).ConfigureAwait(false);
        return reply.AsInt64();
    }

    public async Task<IAsyncDisposable> SubscribeAsync(string channel, Func<ReadOnlyMemory<byte>, ValueTask> handler, CancellationToken cancellationToken) =>
        await _subscriber.SubscribeAsync(channel, handler, cancellationToken).ConfigureAwait(false);

    /// <summary>Waits until both connections are up (tests, startup probes).</summary>
    public async Task WaitConnectedAsync(TimeSpan timeout, CancellationToken cancellationToken = default)
    {
        var deadline = Environment.TickCount64 + (long)timeout.TotalMilliseconds;
        while (!IsConnected)
        {
            if (Environment.TickCount64 > deadline)
            {
                throw new RedisUnavailableException($"Redis at {Configuration} did not become reachable within {timeout.TotalMilliseconds} ms.");
            }
            await Task.Delay(20, cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _subscriber.DisposeAsync().ConfigureAwait(false);
        await _commands.DisposeAsync().ConfigureAwait(false);
    }
}
