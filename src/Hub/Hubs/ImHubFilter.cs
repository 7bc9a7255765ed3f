using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Limits;
using ImSignalR.Domain.Services;
using ImSignalR.Hub.Settings;
using ImSignalR.Hub.Observability;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace ImSignalR.Hub.Hubs;

/// <summary>
/// The one place hub errors are mapped (style.md): <see cref="ImException"/> becomes a
/// <see cref="HubException"/> whose message starts with the stable code, and the connection stays
/// open. It also applies the per-connection send rate limit (SPEC §8) before the hub method runs.
/// </summary>
internal sealed class ImHubFilter : IHubFilter
{
    public const string RejectedKey = "im.rejected";
    private const string BucketKey = "im.sendBucket";

    /// <summary>Rejection codes for frames SignalR refuses before any hub method (not domain errors: the connection is closed).</summary>
    public const string MessageTooLarge = "IM_MESSAGE_TOO_LARGE";
    public const string InvalidFrame = "IM_INVALID_FRAME";

    private readonly MessagingMetrics _metrics;
    private readonly ConnectionGauge _connections;
    private readonly LimitSettings _limits;
    private readonly TimeProvider _time;
    private readonly ILogger<ImHubFilter> _logger;
    private readonly ConnectionDrain _drain;
    private readonly ConnectionOwners _owners;

    public ImHubFilter(MessagingMetrics metrics, ConnectionGauge connections, IOptions<ImOptions> options, TimeProvider time, ILogger<ImHubFilter> logger, ConnectionDrain drain, ConnectionOwners owners)
    {
        _drain = drain;
        _owners = owners;
        _metrics = metrics;
        _connections = connections;
        _limits = options.Value.Limits;
        _time = time;
        _logger = logger;
    }

    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var method = context.HubMethodName;
        var entered = false;
        try
        {
            if (!(entered = _drain.TryEnter()))
            {
                throw new ImException(ImErrorCode.ShuttingDown, "The node is shutting down; reconnect and retry.");
            }
            if (method is nameof(ChatHub.SendC2C) or nameof(ChatHub.SendGroup) && !SendBucket(context.Context).TryTake())
            {
                throw new ImException(ImErrorCode.RateLimited, $"At most {_limits.SendsPerSecond} sends per second per connection.");
            }
            return await next(context);
        }
        catch (ImException ex)
        {
            HubLog.Refused(_logger, method, ex.Code.ToWire());
            _metrics.CountRejection(ex.Code.ToWire(), MetricLabels.HubOperation(method));
            throw new HubException(ex.WireMessage);
        }
        catch (HubException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _metrics.CountRejection(ImErrorCode.Internal.ToWire(), MetricLabels.HubOperation(method));
            HubLog.UnexpectedError(_logger, method, ex);
            throw new HubException($"{ImErrorCode.Internal.ToWire()}: an unexpected error occurred; it was logged.");
        }
        finally
        {
            if (entered)
            {
                _drain.Exit();
            }
        }
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        try
        {
            if (_drain.IsStopping)
            {
                context.Context.Items[RejectedKey] = true;
                _metrics.CountRejection(ImErrorCode.ShuttingDown.ToWire(), MetricLabels.Connect);
                throw new HubException($"{ImErrorCode.ShuttingDown.ToWire()}: the node is shutting down; connect to another node.");
            }
            await next(context);
            _connections.Opened();
            _drain.Add(context.Context);
            _owners.Connected(context.Context.ConnectionId);
        }
        catch (HubException ex) when (ex.Message.StartsWith(ImErrorCode.TooManyConnections.ToWire(), StringComparison.Ordinal))
        {
            _metrics.CountRejection(ImErrorCode.TooManyConnections.ToWire(), MetricLabels.Connect);
            HubLog.TooManyConnections(_logger, context.Context.ConnectionId, _limits.MaxConnectionsPerUser);
            throw;
        }
        catch (HubException ex) when (ex.Message.StartsWith("IM_", StringComparison.Ordinal))
        {
            throw; // a refusal, already counted; SignalR closes the connection with its text
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // SignalR's own Error line for hub events is turned off (appsettings.json): it is written
            // for every refused connection too. A real fault is logged here instead.
            HubLog.UnexpectedError(_logger, nameof(OnConnectedAsync), ex);
            throw;
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        if (!context.Context.Items.ContainsKey(RejectedKey))
        {
            _connections.Closed();
        }
        _drain.Remove(context.Context.ConnectionId);
        _owners.Closed(context.Context.ConnectionId);
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
            _metrics.CountRejection(code, MetricLabels.Receive);
            HubLog.FrameRejected(_logger, context.Context.ConnectionId, code);
        }
        try
        {
            await next(context, exception);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            HubLog.UnexpectedError(_logger, nameof(OnDisconnectedAsync), ex);
            throw;
        }
    }

    private TokenBucket SendBucket(HubCallerContext connection)
    {
        if (connection.Items.TryGetValue(BucketKey, out var existing) && existing is TokenBucket bucket)
        {
            return bucket;
        }
        bucket = new TokenBucket(_limits.SendsPerSecond, _limits.SendBurst, _time);
        connection.Items[BucketKey] = bucket;
        return bucket;
    }
}
