using ImSignalR.Contracts;
using ImSignalR.FunctionalTests.Infrastructure;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ImSignalR.FunctionalTests.OfficialClients;

/// <summary>Microsoft.AspNetCore.SignalR.Client connections to the hub, as an app using it directly would build them.</summary>
internal static class OfficialClient
{
    public static async Task<HubConnection> ConnectAsync(HubProcess hub, string userId, string protocol = "json", Uri? baseUri = null, bool statefulReconnect = false)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(new Uri(baseUri ?? hub.BaseUri, HubMethods.HubPath), o =>
            {
                o.AccessTokenProvider = async () => await hub.TokenAsync(userId);
                o.Transports = HttpTransportType.WebSockets;
            });
        if (protocol == "messagepack")
        {
            builder.AddMessagePackProtocol();
        }
        if (statefulReconnect)
        {
            builder.WithStatefulReconnect().WithAutomaticReconnect();
        }
        var connection = builder.Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await connection.StartAsync(timeout.Token);
        return connection;
    }

    public static SendRequest Text(string toUserId, string content) => new()
    {
        ClientMsgId = Guid.NewGuid().ToString("N"),
        ToUserId = toUserId,
        Content = content,
        MsgFormat = 1,
    };
}
