using System.Security.Claims;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Ports;
using ImSignalR.Hub.Auth;
using ImSignalR.Hub.Settings;
using Microsoft.Extensions.Options;

namespace ImSignalR.Hub.Endpoints;

/// <summary>
/// SPEC §12 administration of a user's connections, with a token carrying <see cref="ImClaims.AdminScope"/>:
/// <c>GET /api/admin/users/{userId}/connections</c> lists them on every node (from cluster presence), and
/// <c>POST /api/admin/users/{userId}/disconnect</c> asks every node to abort them (<see cref="IUserDisconnects"/>).
/// A disconnect is a kick, not a ban: the user may connect again at once.
/// </summary>
internal static class AdminConnectionEndpoints
{
    public static void MapAdminConnections(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/api/admin/users/{userId}").RequireAuthorization();

        admin.MapGet("/connections", (string userId, ClaimsPrincipal user, IPresence presence, IOptions<ImOptions> options, CancellationToken ct) =>
            Run(user, userId, async id =>
            {
                var connections = await presence.ListConnectionsAsync(id, ListLimit(options.Value), ct);
                return new ConnectionsResponse(id, connections.Select(ConnectionDto.From).ToArray());
            }));

        admin.MapPost("/disconnect", (string userId, ClaimsPrincipal user, IPresence presence, IUserDisconnects disconnects, IOptions<ImOptions> options, CancellationToken ct) =>
            Run(user, userId, async id =>
            {
                // Counted before the request goes out; a connection opened meanwhile is closed too, but not counted.
                var connections = await presence.ListConnectionsAsync(id, ListLimit(options.Value), ct);
                await disconnects.PublishAsync(id, ct);
                return new DisconnectResponse(id, connections.Count);
            }));
    }

    /// <summary>A user has at most the per-user limit, plus connections being refused over it at that moment.</summary>
    private static int ListLimit(ImOptions options) => options.Limits.MaxConnectionsPerUser * 2;

    private static Task<IResult> Run<T>(ClaimsPrincipal user, string userId, Func<string, Task<T>> action)
    {
        if (!ImClaims.HasScope(user, ImClaims.AdminScope))
        {
            return Task.FromResult(ImResults.Error(new ImException(ImErrorCode.Forbidden, $"Administration needs the '{ImClaims.AdminScope}' scope.")));
        }
        return ImResults.Run(() => action(UserIds.Validate(userId, "userId")));
    }

    internal sealed record ConnectionsResponse(string UserId, ConnectionDto[] Connections);

    internal sealed record DisconnectResponse(string UserId, int Requested);

    /// <param name="ConnectedAt">Unix ms; 0 when unknown.</param>
    internal sealed record ConnectionDto(string ConnectionId, string NodeId, long ConnectedAt, string? Transport, string? Protocol)
    {
        public static ConnectionDto From(PresenceConnection c) => new(c.ConnectionId, c.NodeId, c.ConnectedAt, c.Transport, c.Protocol);
    }
}
