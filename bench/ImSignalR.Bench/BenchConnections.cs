using MessagePack;
using MessagePack.Resolvers;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImSignalR.Bench;

/// <summary>
/// The load generator's raw connections: the official SignalR .NET client with nothing on top (no
/// outbox, no inbox), so the figures measure the hub, not the SDK's reliability layer.
/// </summary>
internal static class BenchConnections
{
    /// <summary>A call whose result has not come by then counts as failed.</summary>
    public static readonly TimeSpan InvocationTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The hub's own MessagePack settings (the SDK's too): the standard resolver, so the models' <c>[DataMember]</c>
    /// names are the map keys, as the hub expects (SPEC §3.4).
    /// </summary>
    private static readonly MessagePackSerializerOptions MessagePackOptions = MessagePackSerializerOptions.Standard
        .WithResolver(StandardResolver.Instance)
        .WithSecurity(MessagePackSecurity.UntrustedData);

    public static HubConnection Create(Uri hub, Func<string, CancellationToken, Task<string>> tokenFor, string userId, bool messagePack = false)
    {
        var builder = new HubConnectionBuilder()
            .WithUrl(hub, HttpTransportType.WebSockets, options =>
            {
                // WebSockets straight away, as the SDK connects: no negotiate round trip per connection.
                options.SkipNegotiation = true;
                options.AccessTokenProvider = async () => await tokenFor(userId, CancellationToken.None).ConfigureAwait(false);
            });
        if (messagePack)
        {
            builder.AddMessagePackProtocol(o => o.SerializerOptions = MessagePackOptions);
        }
        var connection = builder.Build();
        // Generous: a loaded hub must not look dead to its own load generator.
        connection.ServerTimeout = TimeSpan.FromSeconds(120);
        return connection;
    }

    /// <summary>Invokes with <see cref="InvocationTimeout"/>; a timeout surfaces as <see cref="TimeoutException"/>.</summary>
    public static async Task<T> InvokeAsync<T>(HubConnection connection, string method, object?[] arguments, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(InvocationTimeout);
        try
        {
            return await connection.InvokeCoreAsync<T>(method, arguments, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"'{method}' got no result within {InvocationTimeout.TotalSeconds:0} s.");
        }
    }

    /// <summary>What a call on a loaded or closing connection may fail with.</summary>
    public static bool IsCallFailure(Exception ex) =>
        ex is Microsoft.AspNetCore.SignalR.HubException or TimeoutException or OperationCanceledException or InvalidOperationException
            or IOException or System.Net.WebSockets.WebSocketException;
}
