using System.Net.WebSockets;
using MessagePack;
using MessagePack.Resolvers;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.Http.Connections.Client;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;

namespace ImSignalR.Client.Connections;

/// <summary>Builds the official <see cref="HubConnection"/> the SDK runs on.</summary>
internal static class HubConnections
{
    /// <summary>The protocol names <see cref="ImChatClientOptions.Protocol"/> accepts.</summary>
    public static bool IsKnownProtocol(string name) => name is "json" or "messagepack";

    /// <summary>Same nesting bound as the hub (and System.Text.Json's default MaxDepth).</summary>
    public const int MessagePackMaxDepth = 64;

    /// <summary>
    /// The MessagePack serializer settings, the hub's own: the standard resolver, in which the wire
    /// models' <c>[DataContract]</c>/<c>[DataMember(Name = "camelName")]</c> attributes decide the map
    /// keys, so MessagePack carries the JSON names both ways (SPEC §3.4). Not SignalR's default
    /// contractless resolver: a type without <c>[DataContract]</c> fails to serialize instead of
    /// travelling under its PascalCase C# names. A member without <c>[DataMember]</c> would still drop
    /// out silently; <c>SdkWireNameTests</c> checks every model. Untrusted-data security: the server's
    /// bytes are input (collision-resistant hashing, the depth bound).
    /// </summary>
    public static MessagePackSerializerOptions MessagePackOptions { get; } = MessagePackSerializerOptions.Standard
        .WithResolver(StandardResolver.Instance)
        .WithSecurity(MessagePackSecurity.UntrustedData.WithMaximumObjectGraphDepth(MessagePackMaxDepth));

    /// <param name="options">The client's settings.</param>
    /// <param name="accessTokenProvider">Called at each connect; its token goes in the <c>Authorization</c> header.</param>
    /// <param name="socketOpened">Receives the connection's WebSocket (so tests can drop it).</param>
    public static HubConnection Build(ImChatClientOptions options, Func<Task<string?>>? accessTokenProvider, Action<WebSocket> socketOpened)
    {
        var builder = new HubConnectionBuilder().WithUrl(options.HubUri, HttpTransportType.WebSockets, http =>
        {
            // WebSockets straight away, as before: no negotiate round trip, and no sticky sessions
            // needed behind a load balancer (the connection lives on the node that accepted it).
            http.SkipNegotiation = true;
            http.AccessTokenProvider = accessTokenProvider;
            http.WebSocketFactory = async (context, cancellationToken) =>
            {
                var socket = await OpenAsync(context, cancellationToken).ConfigureAwait(false);
                socketOpened(socket);
                return socket;
            };
        });
        if (options.Protocol == "messagepack")
        {
            builder.AddMessagePackProtocol(messagePack => messagePack.SerializerOptions = MessagePackOptions);
        }
        var connection = builder.Build();
        connection.KeepAliveInterval = options.KeepAliveInterval;
        connection.ServerTimeout = options.ServerTimeout;
        connection.HandshakeTimeout = options.HandshakeTimeout;
        return connection;
    }

    // The transport's own socket setup, kept to what this SDK uses: a fresh token per connect as a
    // bearer header (never in the URL, where proxies log it), and the configured headers.
    private static async ValueTask<WebSocket> OpenAsync(WebSocketConnectionContext context, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        try
        {
            foreach (var header in context.Options.Headers)
            {
                socket.Options.SetRequestHeader(header.Key, header.Value);
            }
            if (context.Options.AccessTokenProvider is { } provider && await provider().ConfigureAwait(false) is { Length: > 0 } token)
            {
                socket.Options.SetRequestHeader("Authorization", "Bearer " + token);
            }
            await socket.ConnectAsync(context.Uri, cancellationToken).ConfigureAwait(false);
            return socket;
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }
}
