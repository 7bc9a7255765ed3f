using System.Collections.Concurrent;
using System.Text;
using Microsoft.AspNetCore.Http.Connections;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImSignalR.IntegrationTests.Redis;

/// <summary>A hub connection that records what the lifetime manager writes to it, as JSON text.</summary>
internal sealed class TestHubConnection : HubConnectionContext
{
    private static readonly JsonHubProtocol Json = new();

    public TestHubConnection(string connectionId, string? userId)
        : base(new Microsoft.AspNetCore.Connections.DefaultConnectionContext(connectionId), new HubConnectionContextOptions(), NullLoggerFactory.Instance)
    {
        UserIdentifier = userId;
    }

    public override IHubProtocol Protocol => Json;

    public ConcurrentQueue<string> Received { get; } = new();

    public override ValueTask WriteAsync(SerializedHubMessage message, CancellationToken cancellationToken = default)
    {
        Received.Enqueue(Encoding.UTF8.GetString(message.GetSerializedMessage(Json).Span));
        return ValueTask.CompletedTask;
    }

    public override ValueTask WriteAsync(HubMessage message, CancellationToken cancellationToken = default)
    {
        Received.Enqueue(Encoding.UTF8.GetString(Json.GetMessageBytes(message).Span));
        return ValueTask.CompletedTask;
    }
}
