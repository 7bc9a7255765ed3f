using Microsoft.Extensions.Logging;

namespace ImSignalR.Infrastructure.Redis.Internal;

/// <summary>
/// What the command and the subscriber connection do alike around each connect attempt: the backoff,
/// the logs, and the Connected/Disconnected events (Connected only for a reconnect). The loops themselves
/// stay in their connections, since each keeps different state while connected.
/// </summary>
internal sealed class ReconnectCycle(
    RedisConfiguration config,
    string role,
    ILogger logger,
    Action<RedisConnectionEventArgs> connected,
    Action<RedisConnectionEventArgs> disconnected,
    CancellationToken shutdown)
{
    private readonly ReconnectBackoff _backoff = new(config.MinReconnectDelay, config.MaxReconnectDelay);
    private readonly string _endpoint = config.ToString();
    private bool _everConnected;

    public string Endpoint => _endpoint;

    /// <summary>An attempt failed: log it with the next delay, tell the listeners, and wait that delay (or for shutdown).</summary>
    public async Task FailedAsync(Exception error)
    {
        var delay = _backoff.Next();
        RedisLog.ConnectFailed(logger, role, _endpoint, (long)delay.TotalMilliseconds, error);
        disconnected(new RedisConnectionEventArgs(role, error));
        try
        {
            await Task.Delay(delay, shutdown).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    public void Succeeded()
    {
        _backoff.Reset();
        RedisLog.Connected(logger, role, _endpoint);
        if (_everConnected)
        {
            connected(new RedisConnectionEventArgs(role, null));
        }
        _everConnected = true;
    }

    public void Broke(Exception error)
    {
        RedisLog.ConnectionBroken(logger, role, _endpoint, error);
        disconnected(new RedisConnectionEventArgs(role, error));
    }
}
