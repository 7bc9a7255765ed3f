using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using Microsoft.AspNetCore.SignalR;

namespace ImSignalR.Hub.Hubs;

/// <summary>
/// The graceful-shutdown gate (SPEC §8, issue 10): once <see cref="ConnectionDrain"/> is stopping, new
/// invocations and connections are refused with the retriable <c>IM_SHUTTING_DOWN</c>; otherwise each
/// invocation is counted in flight and each admitted connection is listed, so the drain can wait for the one
/// and close the other.
/// </summary>
internal sealed class DrainGateHubFilter(ConnectionDrain drain) : IHubFilter
{
    public async ValueTask<object?> InvokeMethodAsync(HubInvocationContext context, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        if (!drain.TryEnter())
        {
            throw new ImException(ImErrorCode.ShuttingDown, "The node is shutting down; reconnect and retry.");
        }
        try
        {
            return await next(context);
        }
        finally
        {
            drain.Exit();
        }
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        if (drain.IsStopping)
        {
            throw new ImException(ImErrorCode.ShuttingDown, "the node is shutting down; connect to another node.");
        }
        await next(context);
        drain.Add(context.Context);
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        drain.Remove(context.Context.ConnectionId);
        return next(context, exception);
    }
}
