using ImSignalR.Domain.Ports;

namespace ImSignalR.Hub.Hubs;

/// <summary>
/// SPEC §12 admin disconnect, the part every node runs: on a request from any node (<see cref="IUserDisconnects"/>)
/// it aborts the user's connections held here. The client sees its connection close; nothing stops it from
/// connecting again (a kick, not a ban). Its presence entries go as each connection's disconnect runs.
/// </summary>
internal sealed partial class UserDisconnector(IUserDisconnects requests, ConnectionDrain connections, ILogger<UserDisconnector> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        requests.Subscribe(userId => DisconnectLocal(userId));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Aborts <paramref name="userId"/>'s connections on this node; returns how many.</summary>
    public int DisconnectLocal(string userId)
    {
        var closed = 0;
        // A scan of this node's connections: a disconnect is a rare admin action, not worth a per-user index.
        foreach (var connection in connections.Open)
        {
            if (string.Equals(connection.UserIdentifier, userId, StringComparison.Ordinal))
            {
                connection.Abort();
                closed++;
            }
        }
        LogDisconnected(userId, closed);
        return closed;
    }

    [LoggerMessage(2020, LogLevel.Information, "Admin disconnect of user {UserId}: {Count} connections on this node aborted")]
    private partial void LogDisconnected(string userId, int count);
}
