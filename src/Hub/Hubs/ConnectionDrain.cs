using System.Collections.Concurrent;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;

namespace ImSignalR.Hub.Hubs;

/// <summary>
/// Graceful shutdown of the hub (SPEC §8, issue 10): once stopping, new invocations and connections
/// are refused with <c>IM_SHUTTING_DOWN</c> (retriable), the invocations already running finish, and
/// then every connection is asked to close — SignalR answers that request with a Close message
/// carrying <c>allowReconnect: true</c>, so clients reconnect to another node and sync.
/// </summary>
internal sealed class ConnectionDrain
{
    /// <summary>How long in-flight invocations (a send waiting for its durable write) may take to finish.</summary>
    public static readonly TimeSpan InFlightTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long connections get to receive their Close message before SignalR aborts them.</summary>
    public static readonly TimeSpan CloseTimeout = TimeSpan.FromSeconds(3);

    private readonly ConcurrentDictionary<string, HubCallerContext> _connections = new(StringComparer.Ordinal);
    // WebSocket requests end once their transport has sent everything, the Close message and the close frame included.
    private readonly ConcurrentDictionary<string, Task> _transports = new(StringComparer.Ordinal);
    private readonly TaskCompletionSource _idle = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private volatile bool _stopping;

    public bool IsStopping => _stopping;

    public int Connections => _connections.Count;

    /// <summary>The connections this node holds (the admin disconnect looks a user's up here).</summary>
    public ICollection<HubCallerContext> Open => _connections.Values;

    /// <summary>Counts an invocation in; false once the node is stopping.</summary>
    public bool TryEnter()
    {
        if (_stopping)
        {
            return false;
        }
        // An invocation that slips in while stopping begins is counted, so the drain waits for it.
        Interlocked.Increment(ref _inFlight);
        return true;
    }

    public void Exit()
    {
        if (Interlocked.Decrement(ref _inFlight) == 0 && _stopping)
        {
            _idle.TrySetResult();
        }
    }

    public void Add(HubCallerContext connection)
    {
        _connections[connection.ConnectionId] = connection;
        if (connection.GetHttpContext() is { WebSockets.IsWebSocketRequest: true } http)
        {
            var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            http.Response.OnCompleted(() =>
            {
                ended.TrySetResult();
                return Task.CompletedTask;
            });
            _transports[connection.ConnectionId] = ended.Task;
        }
    }

    public void Remove(string connectionId)
    {
        if (_connections.TryRemove(connectionId, out _) && _stopping && _connections.IsEmpty)
        {
            _closed.TrySetResult();
        }
        if (!_stopping)
        {
            // While stopping they are kept: the drain waits for them.
            _transports.TryRemove(connectionId, out _);
        }
    }

    /// <summary>Stops accepting, waits for in-flight invocations, then closes every connection (bounded).</summary>
    /// <returns>The invocations still running and the connections still open when the bounds ran out.</returns>
    public (int InFlight, int Open) Drain()
    {
        _stopping = true;
        if (Volatile.Read(ref _inFlight) == 0)
        {
            _idle.TrySetResult();
        }
        _idle.Task.Wait(InFlightTimeout);

        if (_connections.IsEmpty)
        {
            _closed.TrySetResult();
        }
        foreach (var connection in _connections.Values)
        {
            // HubConnectionContext turns this request into Close { allowReconnect: true }.
            if (connection.Features.Get<IConnectionLifetimeNotificationFeature>() is { } lifetime)
            {
                lifetime.RequestClose();
            }
            else
            {
                connection.Abort();
            }
        }
        var closing = System.Diagnostics.Stopwatch.StartNew();
        _closed.Task.Wait(CloseTimeout);
        // A closed hub connection has only queued its Close message: its WebSocket request ends once the transport has
        // sent it. Returning before that lets the shutdown reset the socket under load, and the client sees an abort
        // instead of allowReconnect (the shutdown test, 1 in 4 runs on a saturated machine). Same bound for both waits.
        var left = CloseTimeout - closing.Elapsed;
        if (left > TimeSpan.Zero)
        {
            Task.WaitAll([.. _transports.Values], left);
        }
        return (Volatile.Read(ref _inFlight), _connections.Count);
    }
}
