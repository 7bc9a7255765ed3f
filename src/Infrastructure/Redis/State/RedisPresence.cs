using System.Collections.Concurrent;
using ImSignalR.Domain.Ports;
using ImSignalR.Infrastructure.Redis.Internal;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ImSignalR.Infrastructure.Redis.State;

/// <summary>
/// Cluster-wide presence: <c>presence:{userId}</c> is a hash connectionId → "expiry-ms node-id". Each entry is its
/// own lease: the node that holds the connection rewrites it every third of the lease TTL, so the entries of a node
/// that dies (no cleanup) stop counting when they expire, and the count script deletes such stale entries as it
/// meets them. Expiry is Redis's own clock (<c>TIME</c> inside the scripts), so node clocks never matter.
/// Every script touches only the user's hash (one key, one slot: Redis Cluster needs nothing more), which is why
/// the lease lives in the entry and not in a per-node key the script would have to build.
/// Because the refresh rewrites every local entry, a Redis that restarted empty (or a node that stalled past the
/// TTL) gets this node's connections back with the next refresh; a restored connection triggers one at once.
/// Until every node has done that, a user with no entry may still be online elsewhere: for one refresh period after
/// this node's connection to Redis comes back, <see cref="IsOnlineAsync"/> answers "online" for such a user, so a send
/// then schedules its replay instead of marking the message offline (the sweeper re-asks later, when the
/// registrations are back, and marks it offline then if the user really is).
/// A user hash expires <see cref="UserTtlLeases"/> lease TTLs after the last refresh by a node that holds one of
/// the user's connections, so the hash of a user whose node died and who never comes back does not stay forever.
/// </summary>
internal sealed class RedisPresence : IPresence, IAsyncDisposable
{
    // KEYS: user hash. ARGV: entry ttl ms, hash ttl ms, node id, connection ids…
    private const string Upsert = """
        local t = redis.call('TIME')
        local expiry = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000) + tonumber(ARGV[1])
        local value = expiry .. ' ' .. ARGV[3]
        for i = 4, #ARGV do
          redis.call('HSET', KEYS[1], ARGV[i], value)
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        return 1
        """;

    // KEYS: user hash. Counts unexpired entries; drops the others.
    private const string CountLive = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local entries = redis.call('HGETALL', KEYS[1])
        local live = 0
        for i = 1, #entries, 2 do
          local expiry = tonumber(string.match(entries[i + 1], '^(%d+)'))
          if expiry and expiry > now then
            live = live + 1
          else
            redis.call('HDEL', KEYS[1], entries[i])
          end
        end
        return live
        """;

    /// <summary>How long a user's last-seen time is kept after the disconnect.</summary>
    private static readonly TimeSpan LastSeenTtl = TimeSpan.FromDays(30);

    /// <summary>User hashes live this many lease TTLs past the last refresh (refreshes come every third of one).</summary>
    private const int UserTtlLeases = 3;

    // User hashes refreshed per burst of concurrent scripts, so a node with many users does not flood its connection.
    private const int RefreshChunk = 512;

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeys _keys;
    private readonly string _nodeId;
    private readonly long _ttlMs;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(string UserId, string ConnectionId), byte> _local = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _refreshLoop;
    private readonly long _refreshPeriodMs;
    private long _unsureUntil;
    private int _stopped;

    public RedisPresence(IConnectionMultiplexer redis, RedisKeys keys, string nodeId, TimeSpan leaseTtl, ILogger logger)
    {
        _redis = redis;
        _keys = keys;
        _nodeId = nodeId;
        _ttlMs = (long)leaseTtl.TotalMilliseconds;
        _logger = logger;
        _refreshPeriodMs = _ttlMs / 3;
        _redis.ConnectionRestored += OnConnectionRestored;
        _refreshLoop = Task.Run(() => RefreshLoopAsync(leaseTtl / 3));
    }

    private IDatabase Db => _redis.GetDatabase();

    private long UserTtlMs => _ttlMs * UserTtlLeases;

    public async ValueTask AddConnectionAsync(string userId, string connectionId, CancellationToken cancellationToken)
    {
        // Remembered first: if Redis is away now, the next refresh registers it.
        _local[(userId, connectionId)] = 0;
        await RedisStateCalls.RunAsync(UpsertAsync(userId, [connectionId])).ConfigureAwait(false);
    }

    public async ValueTask RemoveConnectionAsync(string userId, string connectionId, CancellationToken cancellationToken)
    {
        _local.TryRemove((userId, connectionId), out _);
        var db = Db;
        var seen = db.StringSetAsync(_keys.LastSeen(userId), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), LastSeenTtl);
        await RedisStateCalls.RunAsync(Task.WhenAll(db.HashDeleteAsync(_keys.PresenceUser(userId), connectionId), seen)).ConfigureAwait(false);
    }

    public async ValueTask<long?> GetLastSeenAsync(string userId, CancellationToken cancellationToken)
    {
        var value = await RedisStateCalls.RunAsync(Db.StringGetAsync(_keys.LastSeen(userId))).ConfigureAwait(false);
        return value.TryParse(out long ms) ? ms : null;
    }

    public async ValueTask<bool> IsOnlineAsync(string userId, CancellationToken cancellationToken) =>
        await CountConnectionsAsync(userId, cancellationToken).ConfigureAwait(false) > 0 || IsReRegistering;

    /// <summary>True for a refresh period after the connection to Redis came back (the other nodes may not have re-registered yet).</summary>
    internal bool IsReRegistering => Environment.TickCount64 < Volatile.Read(ref _unsureUntil);

    public async ValueTask<int> CountConnectionsAsync(string userId, CancellationToken cancellationToken)
    {
        var reply = await RedisStateCalls.RunAsync(Db.ScriptEvaluateAsync(CountLive, [_keys.PresenceUser(userId)])).ConfigureAwait(false);
        return (int)reply;
    }

    /// <summary>Rewrites every local entry (one script per user), which also re-registers what Redis lost.</summary>
    internal async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var byUser = _local.Keys.GroupBy(e => e.UserId, StringComparer.Ordinal).ToArray();
        foreach (var chunk in byUser.Chunk(RefreshChunk))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.WhenAll(chunk.Select(user => UpsertAsync(user.Key, user.Select(e => e.ConnectionId).ToArray()))).ConfigureAwait(false);
            // A connection that closed while its entry was being rewritten would otherwise come back as a ghost for a
            // lease TTL. Checked after the rewrite completed: a close that is not seen here removes its entry itself,
            // after this rewrite.
            var closed = chunk.SelectMany(user => user).Where(e => !_local.ContainsKey(e)).ToArray();
            if (closed.Length > 0)
            {
                await Task.WhenAll(closed.Select(e => Db.HashDeleteAsync(_keys.PresenceUser(e.UserId), e.ConnectionId))).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Graceful stop: stops refreshing and deletes this node's entries so its connections stop counting at once.
    /// Called by <see cref="RedisPresenceShutdown"/> while the multiplexer is still open.
    /// </summary>
    internal async Task StopAsync()
    {
        if (!await StopRefreshingAsync().ConfigureAwait(false))
        {
            return;
        }
        var byUser = _local.Keys.GroupBy(e => e.UserId, StringComparer.Ordinal).ToArray();
        try
        {
            await Task.WhenAll(byUser.Select(user => Db.HashDeleteAsync(
                _keys.PresenceUser(user.Key), user.Select(e => (RedisValue)e.ConnectionId).ToArray()))).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisStateCalls.IsUnavailable(ex) || ex is TimeoutException or ObjectDisposedException)
        {
            // The entries expire by themselves within a lease TTL.
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
        await _stop.CancelAsync().ConfigureAwait(false);
        await _refreshLoop.ConfigureAwait(false);
        return true;
    }

    private Task UpsertAsync(string userId, string[] connectionIds)
    {
        var args = new RedisValue[3 + connectionIds.Length];
        args[0] = _ttlMs;
        args[1] = UserTtlMs;
        args[2] = _nodeId;
        for (var i = 0; i < connectionIds.Length; i++)
        {
            args[3 + i] = connectionIds[i];
        }
        return Db.ScriptEvaluateAsync(Upsert, [_keys.PresenceUser(userId)], args);
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Interactive || _stop.IsCancellationRequested)
        {
            return;
        }
        // Redis may have come back empty: register this node's connections now, not a third of a TTL later, and
        // until the other nodes have surely done the same, do not take a missing entry for an offline user.
        Volatile.Write(ref _unsureUntil, Environment.TickCount64 + _refreshPeriodMs);
        _ = Task.Run(async () =>
        {
            try
            {
                await RefreshAsync(_stop.Token).ConfigureAwait(false);
                RedisLog.PresenceReRegistered(_logger, _nodeId, _local.Count);
            }
            catch (Exception ex) when (!_stop.IsCancellationRequested)
            {
                RedisLog.LeaseRefreshFailed(_logger, _nodeId, ex);
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    private async Task RefreshLoopAsync(TimeSpan period)
    {
        using var timer = new PeriodicTimer(period);
        try
        {
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
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
