using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Services;
using ImSignalR.Hub.Observability;
using Microsoft.AspNetCore.SignalR;

namespace ImSignalR.Hub.Hubs;

/// <summary>
/// Counts what the hub refuses in <c>im.rejections{code,op}</c> and keeps the <c>im.connections</c> gauge.
/// It runs inside <see cref="ErrorMappingHubFilter"/>, so it sees the <see cref="ImException"/> with its
/// code rather than the mapped text.
/// </summary>
internal sealed class MetricsHubFilter(MessagingMetrics metrics, ConnectionGauge connections, ILogger<MetricsHubFilter> logger) : IHubFilter
{
    /// <summary>Rejection codes for frames SignalR refuses before any hub method (not domain errors: the connection is closed).</summary>
    public const string MessageTooLarge = "IM_MESSAGE_TOO_LARGE";
    public const string InvalidFrame = "IM_INVALID_FRAME";

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(context);
        }
        catch (ImException ex)
        {
            metrics.CountRejection(ex.Code.ToWire(), MetricLabels.HubOperation(context.HubMethodName));
            throw;
        }
        catch (Exception ex) when (ex is not (HubException or OperationCanceledException))
        {
            // The error filter answers it with IM_INTERNAL; counted under that code.
            metrics.CountRejection(ImErrorCode.Internal.ToWire(), MetricLabels.HubOperation(context.HubMethodName));
            throw;
        }
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        try
        {
            await next(context);
        }
        catch (ImException ex)
        {
            metrics.CountRejection(ex.Code.ToWire(), MetricLabels.Connect);
            throw;
        }
        // Counted only once admitted: SignalR skips OnDisconnectedAsync for a connection whose OnConnectedAsync threw.
        connections.Opened();
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        connections.Closed();
        // SignalR closes a connection that sends a frame over MaximumReceiveMessageSize or one it cannot
        // parse; the WebSocket layer faults on invalid UTF-8 in a text frame. A client that merely drops
        // the socket is ConnectionClosedPrematurely and is not a rejection.
        var code = exception switch
        {
            InvalidDataException e when e.Message.Contains("maximum message size", StringComparison.OrdinalIgnoreCase) => MessageTooLarge,
            InvalidDataException => InvalidFrame,
            System.Net.WebSockets.WebSocketException { WebSocketErrorCode: System.Net.WebSockets.WebSocketError.Faulted } => InvalidFrame,
            _ => null,
        };
        if (code is not null)
        {
            metrics.CountRejection(code, MetricLabels.Receive);
            HubLog.FrameRejected(logger, context.Context.ConnectionId, code);
        }
        return next(context, exception);
    }
}
