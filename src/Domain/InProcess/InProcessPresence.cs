using System.Collections.Concurrent;
using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Services;

namespace ImSignalR.Domain.InProcess;

/// <summary>
/// Presence of one node: user → live connections. Embedded mode only (one node is the cluster), so a user's first
/// connection and last disconnect are decided under the user's lock and reported to <see cref="IPresenceEvents"/>.
/// </summary>
public sealed class InProcessPresence(TimeProvider? time = null, IPresenceEvents? events = null) : IPresence
{
    /// <summary>Users whose last disconnect is remembered; past it the memory starts over.</summary>
    internal const int MaxLastSeen = 500_000;

    /// <summary>The node id of every connection (the embedded node is the whole cluster).</summary>
    public const string NodeId = "embedded";

    private readonly ConcurrentDictionary<string, Dictionary<string, PresenceConnection>> _connections = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, long> _lastSeen = new(StringComparer.Ordinal);
    private readonly TimeProvider _time = time ?? TimeProvider.System;
    private readonly IPresenceEvents _events = events ?? NoPresenceEvents.Instance;

    public ValueTask AddConnectionAsync(string userId, string connectionId, CancellationToken cancellationToken) =>
        AddConnectionAsync(userId, connectionId, transport: null, protocol: null, cancellationToken);

    public ValueTask AddConnectionAsync(string userId, string connectionId, string? transport, string? protocol, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        while (true)
        {
            var set = _connections.GetOrAdd(userId, _ => new Dictionary<string, PresenceConnection>(StringComparer.Ordinal));
            bool joined;
            lock (set)
            {
                // A set emptied by a concurrent remove may already be unlinked; retry with a fresh one.
                if (!_connections.TryGetValue(userId, out var current) || !ReferenceEquals(current, set))
                {
                    continue;
                }
                joined = set.Count == 0;
                set.TryAdd(connectionId, new PresenceConnection(connectionId, NodeId, now, transport, protocol));
            }
            if (joined)
            {
                _events.Publish(PresenceEvent.Joined(userId, NodeId, now));
            }
            return ValueTask.CompletedTask;
        }
    }

    public ValueTask RemoveConnectionAsync(string userId, string connectionId, CancellationToken cancellationToken)
    {
        if (!_connections.TryGetValue(userId, out var set))
        {
            return ValueTask.CompletedTask;
        }
        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var left = false;
        lock (set)
        {
            if (set.Remove(connectionId))
            {
                if (_lastSeen.Count >= MaxLastSeen)
                {
                    _lastSeen.Clear();
                }
                _lastSeen[userId] = now;
                left = set.Count == 0;
            }
            if (set.Count == 0)
            {
                _connections.TryRemove(new KeyValuePair<string, Dictionary<string, PresenceConnection>>(userId, set));
            }
        }
        if (left)
        {
            _events.Publish(PresenceEvent.Left(userId, NodeId, now));
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

    public ValueTask<bool> HasOtherConnectionAsync(string userId, string connectionId, CancellationToken cancellationToken)
    {
        if (!_connections.TryGetValue(userId, out var set))
        {
            return ValueTask.FromResult(false);
        }
        lock (set)
        {
            return ValueTask.FromResult(set.Count > (set.ContainsKey(connectionId) ? 1 : 0));
        }
    }

    public ValueTask<IReadOnlyList<PresenceConnection>> ListConnectionsAsync(string userId, int limit, CancellationToken cancellationToken)
    {
        if (!_connections.TryGetValue(userId, out var set))
        {
            return ValueTask.FromResult<IReadOnlyList<PresenceConnection>>([]);
        }
        lock (set)
        {
            return ValueTask.FromResult<IReadOnlyList<PresenceConnection>>(set.Values.OrderBy(c => c.ConnectedAt).Take(limit).ToArray());
        }
    }

    public ValueTask<long?> GetLastSeenAsync(string userId, CancellationToken cancellationToken) =>
        ValueTask.FromResult(_lastSeen.TryGetValue(userId, out var seen) ? seen : (long?)null);
}
