using System.Collections.Concurrent;

namespace ImSignalR.Hub.Hubs;

/// <summary>
/// Which user negotiated each hub connection token (G7). SignalR itself does not bind a token to a user:
/// any authenticated request that presents it may open the connection (the first GET), post frames into
/// it and poll its output over long polling or server-sent events, or resume it after a drop (stateful
/// reconnect); it only logs a warning when the user changes. <see cref="TransportUserBinding"/> refuses
/// every such request from anyone but the negotiating user.
/// </summary>
internal sealed class ConnectionOwners(TimeProvider time)
{
    /// <summary>A token negotiated but never connected is forgotten after this; SignalR drops it after 15 s.</summary>
    public static readonly TimeSpan UnconnectedLifetime = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<string, Owner> _byToken = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, string> _tokenByConnectionId = new(StringComparer.Ordinal);
    private long _nextPruneTimestamp;

    public int Count => _byToken.Count;

    /// <summary>Records the user a negotiate response gave <paramref name="token"/> to.</summary>
    public void Negotiated(string token, string connectionId, string userId)
    {
        PruneIfDue();
        _byToken[token] = new Owner(userId, connectionId, time.GetTimestamp());
        _tokenByConnectionId[connectionId] = token;
    }

    /// <summary>The user who negotiated <paramref name="token"/>, or null if this node never gave it out.</summary>
    public string? OwnerOf(string token) => _byToken.TryGetValue(token, out var owner) ? owner.UserId : null;

    /// <summary>The hub accepted the connection: keep its token until it closes.</summary>
    public void Connected(string connectionId)
    {
        if (_tokenByConnectionId.TryGetValue(connectionId, out var token) && _byToken.TryGetValue(token, out var owner))
        {
            owner.Connected = true;
        }
    }

    public void Closed(string connectionId)
    {
        if (_tokenByConnectionId.TryRemove(connectionId, out var token))
        {
            _byToken.TryRemove(token, out _);
        }
    }

    // Tokens that never reached the hub (never polled, handshake never sent, refused at connect) are
    // dropped by SignalR without a hub event; sweep them at most once per lifetime period.
    private void PruneIfDue()
    {
        var now = time.GetTimestamp();
        var due = Interlocked.Read(ref _nextPruneTimestamp);
        if (now < due || Interlocked.CompareExchange(ref _nextPruneTimestamp, now + (long)(UnconnectedLifetime.TotalSeconds * time.TimestampFrequency), due) != due)
        {
            return;
        }
        foreach (var (token, owner) in _byToken)
        {
            if (!owner.Connected && time.GetElapsedTime(owner.NegotiatedAt) > UnconnectedLifetime)
            {
                _byToken.TryRemove(token, out _);
                _tokenByConnectionId.TryRemove(owner.ConnectionId, out _);
            }
        }
    }

    private sealed class Owner(string userId, string connectionId, long negotiatedAt)
    {
        public string UserId { get; } = userId;

        public string ConnectionId { get; } = connectionId;

        public long NegotiatedAt { get; } = negotiatedAt;

        public volatile bool Connected;
    }
}
