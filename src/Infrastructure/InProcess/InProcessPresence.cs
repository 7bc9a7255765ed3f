using System.Collections.Concurrent;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Infrastructure.InProcess;

/// <summary>Presence of one node: user → live connection ids. Embedded mode only (one node is the cluster).</summary>
public sealed class InProcessPresence(TimeProvider? time = null) : IPresence
{
    /// <summary>Users whose last disconnect is remembered; past it the memory starts over.</summary>
    internal const int MaxLastSeen = 500_000;

    private readonly ConcurrentDictionary<string, HashSet<string>> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _lastSeen = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = time ?? TimeProvider.System;

    public ValueTask AddConnectionAsync(string userId, string connectionId, CancellationToken cancellationToken)
    {
        while (true)
        {
            var set = _connections.GetOrAdd(userId, _ => []);
            lock (set)
            {
                // A set emptied by a concurrent remove may already be unlinked; retry with a fresh one.
                if (_connections.TryGetValue(userId, out var current) && ReferenceEquals(current, set))
                {
                    set.Add(connectionId);
                    return ValueTask.CompletedTask;
                }
            }
        }
    }

    public ValueTask RemoveConnectionAsync(string userId, string connectionId, CancellationToken cancellationToken)
    {
        if (_connections.TryGetValue(userId, out var set))
        {
            lock (set)
            {
                if (set.Remove(connectionId))
                {
                    if (_lastSeen.Count >= MaxLastSeen)
                    {
                        _lastSeen.Clear();
                    }
                    _lastSeen[userId] = _time.GetUtcNow().ToUnixTimeMilliseconds();
                }
                if (set.Count == 0)
                {
                    _connections.TryRemove(new KeyValuePair<string, HashSet<string>>(userId, set));
                }
            }
        }
        return ValueTask.CompletedTask;
    }

    public ValueTask<bool> IsOnlineAsync(string userId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_connections.ContainsKey(userId));

    public ValueTask<int> CountConnectionsAsync(string userId, CancellationToken cancellationToken)
    {
        if (!_connections.TryGetValue(userId, out var set))
        {
            return ValueTask.FromResult(0);
        }
        lock (set)
        {
            return ValueTask.FromResult(set.Count);
        }
    }

    public ValueTask<long?> GetLastSeenAsync(string userId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_lastSeen.TryGetValue(userId, out var seen) ? seen : (long?)null);
}
