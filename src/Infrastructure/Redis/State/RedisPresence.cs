using System.Collections.Concurrent;
using ImSignalR.Domain.Ports;
using ImSignalR.Infrastructure.Redis.Internal;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Infrastructure.Redis.State;

/// <summary>
/// Cluster-wide presence: <c>presence:user:{id}</c> is a hash connectionId → nodeId, and each node keeps
/// <c>presence:node:{nodeId}</c> alive with a TTL it refreshes every third of the TTL. A connection counts only
/// while its node's lease exists, so a node that dies (no cleanup) drops out when its lease expires; the count
/// script deletes such stale entries as it meets them.
/// The node also remembers its own connections: when the refresh finds its lease missing (Redis restarted and
/// lost the data, or the node stalled past the TTL) it registers them all again.
/// A user hash expires <see cref="UserTtlLeases"/> lease TTLs after the last refresh by a node that holds one of
/// the user's connections, so the hash of a user whose node died and who never comes back does not stay forever.
/// </summary>
internal sealed class RedisPresence : IPresence, IAsyncDisposable
{
    // KEYS: user hash. ARGV: node key prefix. Counts entries whose node lease exists; drops the others.
    private static readonly RedisScript CountLive = new("""
        local entries = redis.call('HGETALL', KEYS[1])
        local live = 0
        local alive = {}
        for i = 1, #entries, 2 do
          local node = entries[i + 1]
          local ok = alive[node]
          if ok == nil then
            ok = redis.call('EXISTS', ARGV[1] .. node) == 1
            alive[node] = ok
          end
          if ok then
            live = live + 1
          else
            redis.call('HDEL', KEYS[1], entries[i])
          end
        end
        return live
        """);

    // KEYS: node lease. ARGV: ttl ms. Returns 1 when the lease had to be created (it was missing).
    private static readonly RedisScript RefreshLease = new("""
        if redis.call('SET', KEYS[1], '1', 'PX', ARGV[1], 'NX') then
          return 1
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[1])
        return 0
        """);

    // KEYS: user hash. ARGV: connection id, node id, user ttl ms.
    private static readonly RedisScript AddEntry = new("""
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        redis.call('PEXPIRE', KEYS[1], ARGV[3])
        return 1
        """);

    /// <summary>User hashes live this many lease TTLs past the last refresh (refreshes come every third of one).</summary>
    private const int UserTtlLeases = 3;

    // User hashes refreshed per round trip burst, so a node with many users does not flood its connection.
    private const int RefreshChunk = 512;

    private readonly IRedisClient _redis;
    private readonly RedisKeys _keys;
    private readonly string _nodeId;
    private readonly string _leaseKey;
    private readonly long _ttlMs;
    private readonly ILogger _logger;
    private readonly ConcurrentDictionary<(string UserId, string ConnectionId), byte> _local = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _refreshLoop;
    private volatile bool _leaseKnown;

    public RedisPresence(IRedisClient redis, RedisKeys keys, string nodeId, TimeSpan leaseTtl, ILogger logger)
    {
        _redis = redis;
        _keys = keys;
        _nodeId = nodeId;
        _leaseKey = keys.PresenceNode(nodeId);
        _ttlMs = (long)leaseTtl.TotalMilliseconds;
        _logger = logger;
        _refreshLoop = Task.Run(() => RefreshLoopAsync(leaseTtl / 3));
    }

    public async ValueTask AddConnectionAsync(string userId, string connectionId, CancellationToken cancellationToken)
    {
        _local[(userId, connectionId)] = 0;
        await RedisStateCalls.RunAsync(_redis.EvaluateAsync(
            AddEntry, [_keys.PresenceUser(userId)], [connectionId, _nodeId, UserTtlMs], cancellationToken)).ConfigureAwait(false);
        if (!_leaseKnown)
        {
            await RefreshAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async ValueTask RemoveConnectionAsync(string userId, string connectionId, CancellationToken cancellationToken)
    {
        _local.TryRemove((userId, connectionId), out _);
        await RedisStateCalls.RunAsync(_redis.ExecuteAsync(["HDEL", _keys.PresenceUser(userId), connectionId], cancellationToken)).ConfigureAwait(false);
    }

    public async ValueTask<bool> IsOnlineAsync(string userId, CancellationToken cancellationToken) =>
        await CountConnectionsAsync(userId, cancellationToken).ConfigureAwait(false) > 0;

    public async ValueTask<int> CountConnectionsAsync(string userId, CancellationToken cancellationToken)
    {
        var reply = await RedisStateCalls.RunAsync(_redis.EvaluateAsync(
            CountLive, [_keys.PresenceUser(userId)], [_keys.PresenceNodePrefix], cancellationToken)).ConfigureAwait(false);
        return (int)reply.AsInt64();
    }

    /// <summary>Refreshes the lease now; re-registers every local connection when it was missing.</summary>
    internal async Task RefreshAsync(CancellationToken cancellationToken)
    {
        var created = await RedisStateCalls.RunAsync(_redis.EvaluateAsync(RefreshLease, [_leaseKey], [_ttlMs], cancellationToken)).ConfigureAwait(false);
        _leaseKnown = true;
        var snapshot = _local.Keys.ToArray();
        if (created.AsInt64() == 1 && snapshot.Length > 0)
        {
            foreach (var chunk in snapshot.Chunk(RefreshChunk))
            {
                await Task.WhenAll(chunk.Select(e => _redis.EvaluateAsync(
                    AddEntry, [_keys.PresenceUser(e.UserId)], [e.ConnectionId, _nodeId, UserTtlMs], cancellationToken))).ConfigureAwait(false);
            }
            RedisLog.PresenceReRegistered(_logger, _nodeId, snapshot.Length);
            return;
        }
        foreach (var chunk in snapshot.Select(e => e.UserId).Distinct(StringComparer.Ordinal).Chunk(RefreshChunk))
        {
            await Task.WhenAll(chunk.Select(user => _redis.ExecuteAsync(["PEXPIRE", _keys.PresenceUser(user), UserTtlMs], cancellationToken))).ConfigureAwait(false);
        }
    }

    private long UserTtlMs => _ttlMs * UserTtlLeases;

    /// <summary>Stops refreshing without cleaning up, as a crashed node would (tests).</summary>
    internal async Task SimulateCrashAsync()
    {
        _stop.Cancel();
        await _refreshLoop.ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }
        _stop.Cancel();
        await _refreshLoop.ConfigureAwait(false);
        // Graceful shutdown: drop the lease so this node's connections stop counting at once.
        try
        {
            await _redis.ExecuteAsync(["DEL", _leaseKey], CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(2)).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is RedisUnavailableException or RedisTimeoutException or TimeoutException or ObjectDisposedException)
        {
            // The lease expires by itself.
        }
        _stop.Dispose();
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
                    _leaseKnown = false;
                    RedisLog.LeaseRefreshFailed(_logger, _nodeId, ex);
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }
}
