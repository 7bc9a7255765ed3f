namespace ImSignalR.Client.Transport;

/// <summary>Settings of one <see cref="ImHubConnection"/>.</summary>
public sealed record HubConnectionOptions
{
    /// <summary>The hub URL, e.g. <c>http://localhost:5000/hubs/chat</c> (http/https are turned into ws/wss).</summary>
    public required Uri HubUri { get; init; }

    /// <summary>Called before every connect; the token goes in the <c>Authorization</c> header and the <c>access_token</c> query.</summary>
    public Func<CancellationToken, ValueTask<string?>>? AccessTokenProvider { get; init; }

    /// <summary>Hub protocol name: <c>json</c> (default) or <c>messagepack</c>.</summary>
    public string Protocol { get; init; } = "json";

    /// <summary>A ping is sent when nothing was sent for this long (server default: 15 s).</summary>
    public TimeSpan KeepAliveInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>The connection is dropped when nothing was received for this long (SignalR default: 30 s).</summary>
    public TimeSpan ServerTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long connect + handshake may take.</summary>
    public TimeSpan HandshakeTimeout { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How long one invocation waits for its completion.</summary>
    public TimeSpan InvocationTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
