using System.Collections.Concurrent;
using System.Globalization;
using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Services;
using ImSignalR.Redis.Internal;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ImSignalR.Redis.State;

/// <summary>
/// Cluster-wide presence: <c>presence:{userId}</c> is a hash connectionId → "expiry-ms node-instance connected-ms
/// transport protocol". Each entry is its own lease: the node that holds the connection rewrites it every third of
/// the lease TTL, so the entries of a node that dies (no cleanup) stop counting when they expire, and the count
/// script deletes such stale entries as it meets them. Expiry is Redis's own clock (<c>TIME</c> inside the scripts),
/// so node clocks never matter. Every user script touches only the user's keys (one hash tag, one slot: Redis
/// Cluster needs nothing more), which is why the lease lives in the entry and not in a per-node key.
/// Because the refresh rewrites every local entry, a Redis that restarted empty (or a node that stalled past the
/// TTL) gets this node's connections back with the next refresh; a restored connection triggers one at once.
/// Until every node has done that, a user with no entry may still be online elsewhere: for one refresh period after
/// this node's connection to Redis comes back, <see cref="IsOnlineAsync"/> answers "online" for such a user, so a send
/// then schedules its replay instead of marking the message offline (the sweeper re-asks later, when the
/// registrations are back, and marks it offline then if the user really is).
/// A user hash expires <see cref="UserTtlLeases"/> lease TTLs after the last refresh by a node that holds one of
/// the user's connections, so the hash of a user whose node died and who never comes back does not stay forever.
/// SPEC §13 presence events: see <c>RedisPresence.Events.cs</c>.
/// </summary>
internal sealed partial class RedisPresence : IPresence, IAsyncDisposable
{
    /// <summary>How long a user's last-seen time is kept after the disconnect.</summary>
    private static readonly TimeSpan LastSeenTtl = TimeSpan.FromDays(30);

    /// <summary>User hashes live this many lease TTLs past the last refresh (refreshes come every third of one).</summary>
    private const int UserTtlLeases = 3;

    private const int RestoreRetryDelayMs = 250;

    // User hashes refreshed per burst of concurrent scripts, so a node with many users does not flood its connection.
    private const int RefreshChunk = 512;

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeys _keys;
    private readonly string _nodeId;
    private readonly long _ttlMs;
    private readonly ILogger _logger;
    private readonly IPresenceEvents _events;
    private readonly ConcurrentDictionary<(string UserId, string ConnectionId), LocalEntry> _local = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _refreshLoop;
    private readonly long _refreshPeriodMs;
    private long _unsureUntil;
    private int _restorePending;
    private int _stopped;

    public RedisPresence(IConnectionMultiplexer redis, RedisKeys keys, string nodeId, TimeSpan leaseTtl, ILogger logger, IPresenceEvents? events = null)
    {
        _redis = redis;
        _keys = keys;
        _nodeId = nodeId;
        _instance = nodeId;
        _ttlMs = (long)leaseTtl.TotalMilliseconds;
        _logger = logger;
        _events = events ?? NoPresenceEvents.Instance;
        _refreshPeriodMs = _ttlMs / 3;
        _redis.ConnectionRestored += OnConnectionRestored;
        _redis.ConnectionFailed += OnConnectionFailed;
        _refreshLoop = Task.Run(() => RefreshLoopAsync(leaseTtl / 3));
    }

    private IDatabase Db => _redis.GetDatabase();

    private long UserTtlMs => _ttlMs * UserTtlLeases;

    public ValueTask AddConnectionAsync(string userId, string connectionId, CancellationToken cancellationToken) =>
        AddConnectionAsync(userId, connectionId, transport: null, protocol: null, cancellationToken);

    public async ValueTask AddConnectionAsync(string userId, string connectionId, string? transport, string? protocol, CancellationToken cancellationToken)
    {
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var entry = new LocalEntry(string.Create(CultureInfo.InvariantCulture, $"{now} {Token(transport)} {Token(protocol)}"));
        // Remembered first: if Redis is away now, the next refresh registers it (and announces the join).
        _local[(userId, connectionId)] = entry;
        var instance = Instance;
        var db = Db;
        // Indexed before the entry exists: if this node dies, the survivor that reaps it finds every user it had.
        await RedisStateCalls.RunAsync(db.SortedSetAddAsync(_keys.PresenceNodeUsers(instance), userId, now)).ConfigureAwait(false);
        var joined = (int)await RedisStateCalls.RunAsync(UpsertAsync(db, instance, userId, [(connectionId, entry)], MarkerMode.Announce)).ConfigureAwait(false);
        entry.Registered = true;
        if (joined == 1)
        {
            _events.Publish(PresenceEvent.Joined(userId, instance, now));
        }
    }

    public async ValueTask RemoveConnectionAsync(string userId, string connectionId, CancellationToken cancellationToken)
    {
        _local.TryRemove((userId, connectionId), out _);
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var db = Db;
        var seen = db.StringSetAsync(_keys.LastSeen(userId), now, LastSeenTtl);
        var removed = RemoveAsync(db, userId, connectionId);
        await RedisStateCalls.RunAsync(Task.WhenAll(removed, seen)).ConfigureAwait(false);
        if ((int)await removed.ConfigureAwait(false) == 1)
        {
            _events.Publish(PresenceEvent.Left(userId, Instance, now));
        }
    }

    public async ValueTask<long?> GetLastSeenAsync(string userId, CancellationToken cancellationToken)
    {
        var value = await RedisStateCalls.RunAsync(Db.StringGetAsync(_keys.LastSeen(userId))).ConfigureAwait(false);
        return value.TryParse(out long ms) ? ms : null;
    }

    public async ValueTask<bool> IsOnlineAsync(string userId, CancellationToken cancellationToken) =>
        await CountConnectionsAsync(userId, cancellationToken).ConfigureAwait(false) > 0 || IsReRegistering;

    /// <summary>True for a refresh period after the connection to Redis came back (the other nodes may not have re-registered yet).</summary>
    internal bool IsReRegistering => Volatile.Read(ref _awaitingRestore) == 1 || Environment.TickCount64 < Volatile.Read(ref _unsureUntil);

    public async ValueTask<int> CountConnectionsAsync(string userId, CancellationToken cancellationToken)
    {
        var reply = await RedisStateCalls.RunAsync(Db.ScriptEvaluateAsync(CountLiveScript, [_keys.PresenceUser(userId)])).ConfigureAwait(false);
        return (int)reply;
    }

    public async ValueTask<bool> HasOtherConnectionAsync(string userId, string connectionId, CancellationToken cancellationToken)
    {
        var reply = await RedisStateCalls.RunAsync(Db.ScriptEvaluateAsync(OtherLiveScript, [_keys.PresenceUser(userId)], [connectionId])).ConfigureAwait(false);
        // Right after Redis came back the other nodes may not have re-registered the user's other devices yet.
        return (int)reply == 1 || IsReRegistering;
    }

    public async ValueTask<IReadOnlyList<PresenceConnection>> ListConnectionsAsync(string userId, int limit, CancellationToken cancellationToken)
    {
        var reply = await RedisStateCalls.RunAsync(Db.ScriptEvaluateAsync(ListLiveScript, [_keys.PresenceUser(userId)], [Math.Max(0, limit)])).ConfigureAwait(false);
        var pairs = (RedisResult[])reply!;
        var list = new List<PresenceConnection>(pairs.Length / 2);
        for (var i = 0; i + 1 < pairs.Length; i += 2)
        {
            list.Add(ParseEntry((string)pairs[i]!, (string)pairs[i + 1]!));
        }
        list.Sort((a, b) => a.ConnectedAt.CompareTo(b.ConnectedAt));
        return list;
    }

    /// <summary>"expiry node connected transport protocol"; the last three are missing in entries older than them.</summary>
    internal static PresenceConnection ParseEntry(string connectionId, string value)
    {
        var parts = value.Split(' ');
        string? Part(int i) => parts.Length > i && parts[i] is { Length: > 0 } p && p != "-" ? p : null;
        var connectedAt = long.TryParse(Part(2), NumberStyles.None, CultureInfo.InvariantCulture, out var at) ? at : 0;
        return new PresenceConnection(connectionId, Part(1) ?? "?", connectedAt, Part(3), Part(4));
    }

    /// <summary>Rewrites every local entry (one script per user), which also re-registers what Redis lost.</summary>
    internal async Task RefreshAsync(CancellationToken cancellationToken)
    {
        // Read before the rewrite and cleared only after it all went through: a refresh that fails halfway leaves the
        // restore to the next one.
        var restoring = Volatile.Read(ref _restorePending) == 1;
        var instance = Instance;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var db = Db;
        var byUser = _local.ToArray().GroupBy(e => e.Key.UserId, StringComparer.Ordinal).ToArray();
        var index = _keys.PresenceNodeUsers(instance);
        foreach (var chunk in byUser.Chunk(RefreshChunk))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await db.SortedSetAddAsync(index, chunk.Select(u => new SortedSetEntry(u.Key, now)).ToArray()).ConfigureAwait(false);
            await Task.WhenAll(chunk.Select(user => RefreshUserAsync(db, instance, user.Key, user.Select(e => (e.Key.ConnectionId, e.Value)).ToArray(), now, restoring))).ConfigureAwait(false);
            // A connection that closed while its entry was being rewritten would otherwise come back as a ghost for a
            // lease TTL. Checked after the rewrite completed: a close that is not seen here removes its entry itself,
            // after this rewrite. Removed with the remove script, so a leave it still owes is announced (and one
            // already announced is not again: the routine rewrite did not bring the marker back).
            var closed = chunk.SelectMany(user => user).Where(e => !_local.ContainsKey(e.Key)).Select(e => e.Key).ToArray();
            if (closed.Length > 0)
            {
                await Task.WhenAll(closed.Select(async e =>
                {
                    if ((int)await RemoveAsync(db, e.UserId, e.ConnectionId).ConfigureAwait(false) == 1)
                    {
                        _events.Publish(PresenceEvent.Left(e.UserId, instance, now));
                    }
                })).ConfigureAwait(false);
            }
        }
        // The index only has to name every user this instance may still hold; users gone for a while are pruned.
        await Task.WhenAll(
            db.SortedSetRemoveRangeByScoreAsync(index, double.NegativeInfinity, now - UserTtlMs),
            db.KeyExpireAsync(index, TimeSpan.FromMilliseconds(UserTtlMs))).ConfigureAwait(false);
        if (restoring)
        {
            Interlocked.CompareExchange(ref _restorePending, 0, 1);
        }
    }

    private async Task RefreshUserAsync(IDatabase db, string instance, string userId, (string ConnectionId, LocalEntry Entry)[] entries, long now, bool restoring)
    {
        // A connection whose own registration has not succeeded yet (Redis was away at its connect) still owes its
        // join; after a reconnect the others are rewritten with a silently restored marker, so re-registering after a
        // Redis data loss announces nothing; otherwise the marker is only kept alive.
        var mode = entries.Any(e => !e.Entry.Registered) ? MarkerMode.Announce : restoring ? MarkerMode.Restore : MarkerMode.Keep;
        var joined = (int)await UpsertAsync(db, instance, userId, entries, mode).ConfigureAwait(false);
        foreach (var (_, entry) in entries)
        {
            entry.Registered = true;
        }
        if (joined == 1)
        {
            _events.Publish(PresenceEvent.Joined(userId, instance, now));
        }
    }

    /// <summary>
    /// Graceful stop: stops refreshing and removes this node's entries so its connections stop counting at once
    /// (announcing the leaves they owe), then leaves the node registry. Called by <see cref="RedisPresenceShutdown"/>
    /// while the multiplexer is still open.
    /// </summary>
    internal async Task StopAsync()
    {
        if (!await StopRefreshingAsync().ConfigureAwait(false))
        {
            return;
        }
        var instance = Instance;
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var db = Db;
        try
        {
            await Task.WhenAll(_local.Keys.Select(async e =>
            {
                if ((int)await RemoveAsync(db, e.UserId, e.ConnectionId).ConfigureAwait(false) == 1)
                {
                    _events.Publish(PresenceEvent.Left(e.UserId, instance, now));
                }
            })).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
            // Only once every entry is gone: otherwise the registry lease runs out and a survivor reaps the rest.
            await Task.WhenAll(
                db.SortedSetRemoveAsync(_keys.PresenceNodes, instance),
                db.KeyDeleteAsync(_keys.PresenceNodeUsers(instance))).WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisStateCalls.IsUnavailable(ex) || ex is TimeoutException or ObjectDisposedException)
        {
            // The entries expire by themselves within a lease TTL, and a survivor reaps this node.
        }
    }

    /// <summary>Stops refreshing without cleaning up, as a crashed node would (tests).</summary>
    internal Task SimulateCrashAsync() => StopRefreshingAsync();

    public async ValueTask DisposeAsync() => await StopRefreshingAsync().ConfigureAwait(false);

    private async Task<bool> StopRefreshingAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) == 1)
        {
            return false;
        }
        _redis.ConnectionRestored -= OnConnectionRestored;
        _redis.ConnectionFailed -= OnConnectionFailed;
        await _stop.CancelAsync().ConfigureAwait(false);
        await _refreshLoop.ConfigureAwait(false);
        return true;
    }

    private Task<RedisResult> UpsertAsync(IDatabase db, string instance, string userId, (string ConnectionId, LocalEntry Entry)[] entries, MarkerMode mode)
    {
        var args = new RedisValue[4 + (2 * entries.Length)];
        args[0] = _ttlMs;
        args[1] = UserTtlMs;
        args[2] = instance;
        args[3] = (int)mode;
        for (var i = 0; i < entries.Length; i++)
        {
            args[4 + (2 * i)] = entries[i].ConnectionId;
            args[5 + (2 * i)] = entries[i].Entry.Meta;
        }
        return db.ScriptEvaluateAsync(UpsertScript, [_keys.PresenceUser(userId), _keys.PresenceJoined(userId)], args);
    }

    private Task<RedisResult> RemoveAsync(IDatabase db, string userId, string connectionId) =>
        db.ScriptEvaluateAsync(RemoveScript, [_keys.PresenceUser(userId), _keys.PresenceJoined(userId)], [connectionId, IsReRegistering ? 1 : 0]);

    /// <summary>A transport or protocol name as one space-free token of the entry ("-" when unknown).</summary>
    private static string Token(string? value) =>
        string.IsNullOrEmpty(value) ? "-" : value.Length > 32 ? value[..32].Replace(' ', '_') : value.Replace(' ', '_');

    internal void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Interactive || _stop.IsCancellationRequested)
        {
            return;
        }
        // Redis may have come back empty: register this node's connections now, not a third of a TTL later, and
        // until the other nodes have surely done the same, do not take a missing entry for an offline user.
        Volatile.Write(ref _unsureUntil, Environment.TickCount64 + _refreshPeriodMs);
        Volatile.Write(ref _awaitingRestore, 0); // after the window is set: no moment in between counts as sure
        Volatile.Write(ref _reconnectedSinceBeat, 1);
        Volatile.Write(ref _restorePending, 1);
        _ = Task.Run(ReRegisterAfterRestoreAsync);
    }

    /// <summary>
    /// Registers this node's connections again, retried every 250 ms within one refresh period: the link that was just
    /// restored can fail again at once (a node thawed after a stall finds its old socket dead only now), and waiting for
    /// the next beat left its users without an entry after the other nodes' unsure window had ended, so sends to them
    /// were stored offline (failure suite, clean CI of a971e5b).
    /// </summary>
    private async Task ReRegisterAfterRestoreAsync()
    {
        var deadline = Environment.TickCount64 + _refreshPeriodMs;
        try
        {
            while (true)
            {
                try
                {
                    await RefreshAsync(_stop.Token).ConfigureAwait(false);
                    RedisLog.PresenceReRegistered(_logger, _nodeId, _local.Count);
                    return;
                }
                catch (Exception ex) when (!_stop.IsCancellationRequested && ex is not OperationCanceledException)
                {
                    RedisLog.LeaseRefreshFailed(_logger, _nodeId, ex);
                    if (Environment.TickCount64 + RestoreRetryDelayMs > deadline)
                    {
                        return; // the refresh loop's next beat takes over
                    }
                }
                await Task.Delay(RestoreRetryDelayMs, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task RefreshLoopAsync(TimeSpan period)
    {
        using var timer = new PeriodicTimer(period);
        try
        {
            // Registered at once, so a node that dies before its first tick is still reaped.
            await BeatAndReapAsync(_stop.Token).ConfigureAwait(false);
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                try
                {
                    await RefreshAsync(_stop.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (!_stop.IsCancellationRequested)
                {
                    RedisLog.LeaseRefreshFailed(_logger, _nodeId, ex);
                }
                await BeatAndReapAsync(_stop.Token).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>What the upsert script does with the joined marker (ARGV[4]).</summary>
    private enum MarkerMode
    {
        Restore = 0,
        Announce = 1,
        Keep = 2,
    }

    /// <summary>A connection as this node holds it.</summary>
    private sealed class LocalEntry(string meta)
    {
        /// <summary>"connected-ms transport protocol", the part of the entry's value that never changes.</summary>
        public string Meta { get; } = meta;

        /// <summary>True once a script wrote the entry (its join, if any, was decided).</summary>
        public volatile bool Registered;
    }
}
