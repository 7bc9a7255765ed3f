using Microsoft.AspNetCore.SignalR;

namespace ImSignalR.Hub.Hubs;

/// <summary>
/// Tells <see cref="ConnectionOwners"/> when a negotiated token became a connection and when it closed, so
/// <see cref="TransportUserBinding"/> keeps a connected token's owner and forgets it with the connection.
/// </summary>
internal sealed class ConnectionOwnersHubFilter(ConnectionOwners owners) : IHubFilter
{
    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        await next(context);
        owners.Connected(context.Context.ConnectionId);
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        owners.Closed(context.Context.ConnectionId);
        return next(context, exception);
    }
}
