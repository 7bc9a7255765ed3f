using ImSignalR.Contracts;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;

namespace ImSignalR.Hub.Hubs;

/// <summary>
/// Maps <see cref="ChatHub"/> as <c>MapHub</c> does (the hub's attributes, <c>[Authorize]</c> included,
/// and its <see cref="HubMetadata"/> on the endpoint), with <see cref="SilentConnectionWatchdog"/> in
/// the connection pipeline ahead of the hub, which <c>MapHub</c> has no place for.
/// </summary>
internal static class ChatHubEndpoint
{
    public static IEndpointConventionBuilder MapChatHub(this IEndpointRouteBuilder endpoints)
    {
        var watchdog = endpoints.ServiceProvider.GetRequiredService<SilentConnectionWatchdog>();
        // Stateful reconnect (SPEC §3.1): a client that asks for it resumes the same connection after a short drop.
        var options = new HttpConnectionDispatcherOptions { AllowStatefulReconnects = true };
        var builder = endpoints.MapConnections(HubMethods.HubPath, options, connection => connection.Use(watchdog.Wrap).UseHub<ChatHub>());
        var attributes = typeof(ChatHub).GetCustomAttributes(inherit: true);
        builder.Add(endpoint =>
        {
            foreach (var attribute in attributes)
            {
                endpoint.Metadata.Add(attribute);
            }
            endpoint.Metadata.Add(new HubMetadata(typeof(ChatHub)));
        });
        return builder;
    }
}
