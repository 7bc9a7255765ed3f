using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using Microsoft.AspNetCore.SignalR;

namespace ImSignalR.Hub.Hubs;

/// <summary>
/// The one place hub errors are mapped (style.md): <see cref="ImException"/> becomes a
/// <see cref="HubException"/> whose message starts with the stable code (a refused call keeps its
/// connection; a refused connection is closed by SignalR with that text). Any other fault is logged
/// once at Error and answered with <c>IM_INTERNAL</c>, never with its own text.
/// </summary>
internal sealed class ErrorMappingHubFilter(ILogger<ErrorMappingHubFilter> logger) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        try
        {
            return await next(context);
        }
        catch (ImException ex)
        {
            HubLog.Refused(logger, context.HubMethodName, ex.Code.ToWire());
            throw new HubException(ex.WireMessage);
        }
        catch (HubException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            HubLog.UnexpectedError(logger, context.HubMethodName, ex);
            throw new HubException($"{ImErrorCode.Internal.ToWire()}: an unexpected error occurred; it was logged.");
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
            // A refusal (over the limit, shutting down): SignalR closes the connection with the HubException's
            // text, which official clients read the code from. Logged where it is decided, not here.
            throw new HubException(ex.WireMessage);
        }
        catch (HubException)
        {
            throw;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // SignalR's own Error line for hub events is turned off (appsettings.json): it is written
            // for every refused connection too. A real fault is logged here instead.
            HubLog.UnexpectedError(logger, nameof(OnConnectedAsync), ex);
            throw;
        }
    }

    public async Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        try
        {
            await next(context, exception);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            HubLog.UnexpectedError(logger, nameof(OnDisconnectedAsync), ex);
            throw;
        }
    }
}
