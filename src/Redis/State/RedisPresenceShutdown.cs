using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Ports;
using Microsoft.Extensions.Hosting;

namespace ImSignalR.Redis.State;

/// <summary>
/// Deletes this node's presence entries on a graceful stop, at the one moment that works with the official backplane:
/// <c>RedisHubLifetimeManager</c> disposes the multiplexer it was given in its <c>Dispose</c>, which the container
/// calls when the host is disposed — after every hosted service has stopped. <see cref="StoppedAsync"/> runs after
/// the server stopped (no connection can register any more) and before that disposal (the multiplexer is open).
/// The node id lease is freed at the same moment.
/// </summary>
internal sealed class RedisPresenceShutdown(IPresence presence, INodeIdLease nodeId) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        if (presence is RedisPresence redis)
        {
            await redis.StopAsync().ConfigureAwait(false);
        }
        // Nothing mints msgIds any more: the server has stopped.
        if (nodeId is RedisNodeIdLease lease)
        {
            await lease.ReleaseAsync().ConfigureAwait(false);
        }
    }
}
