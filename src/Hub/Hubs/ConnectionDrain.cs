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

    public void Add(HubCallerContext connection) => _connections[connection.ConnectionId] = connection;

    public void Remove(string connectionId)
    {
        if (_connections.TryRemove(connectionId, out _) && _stopping && _connections.IsEmpty)
        {
            _closed.TrySetResult();
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
        _closed.Task.Wait(CloseTimeout);
        return (Volatile.Read(ref _inFlight), _connections.Count);
    }
}
