using System.Globalization;
using ImSignalR.Domain.Ports;
using ImSignalR.Redis.Internal;
using StackExchange.Redis;

namespace ImSignalR.Redis.State;

/// <summary>
/// SPEC §13 <c>user_join</c> / <c>user_leave</c>, decided in Redis so that exactly one node announces each:
/// <list type="bullet">
/// <item>The user's <c>joined:{userId}</c> marker (same slot as their hash) exists from the join to the leave. A
/// connect whose script creates it announces the join; a close whose script leaves no live entry deletes it and
/// announces the leave. Two nodes connecting the same user at once: one script creates the marker, one join.</item>
/// <item>A node that dies leaves entries, and a marker, behind. Every node keeps a lease in the node registry
/// (<c>{presence-nodes}:live</c>, beaten every refresh) and an index of the users it holds. A survivor's refresh
/// claims expired nodes atomically (moved to <c>…:reaping</c> with a claim that expires, so a reaper that dies is
/// replaced), runs the reap script on each of the dead node's users — drop its entries; the script that deletes the
/// marker announces the leave (reason <c>node_died</c>) — and then forgets the node. So the leave comes within a lease
/// TTL plus a refresh period of the death; a user who reconnected elsewhere meanwhile keeps their marker: no event.</item>
/// <item>Redis data loss: the refresh that re-registers this node's connections is silent (it recreates a lost
/// marker without announcing a join), so a restart announces nothing; a connection that closes while the other
/// nodes may not have re-registered yet announces its leave even without a marker (a duplicate, never a loss).</item>
/// <item>A node taken for dead after a stall past its lease (its users' leaves announced) takes a new instance id
/// and registers everything again under it, announcing the joins the reaper undid.</item>
/// </list>
/// </summary>
internal sealed partial class RedisPresence
{
    /// <summary>Dead nodes claimed per refresh; more wait for the next one.</summary>
    private const int ClaimBatch = 16;

    private string _instance;
    private int _generation;
    private bool _beaten;
    private int _reconnectedSinceBeat;

    /// <summary>This node's identity in entries and the node registry (changes only after it was taken for dead).</summary>
    internal string Instance => Volatile.Read(ref _instance);

    /// <summary>Renews this node's registry lease and reaps the nodes whose lease ran out (tests call it directly).</summary>
    internal async Task BeatAndReapAsync(CancellationToken cancellationToken)
    {
        try
        {
            await BeatAsync(cancellationToken).ConfigureAwait(false);
            await ReapDeadNodesAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested && ex is not OperationCanceledException)
        {
            RedisLog.LeaseRefreshFailed(_logger, _nodeId, ex);
        }
    }

    private async Task BeatAsync(CancellationToken cancellationToken)
    {
        var db = Db;
        var status = (int)await db.ScriptEvaluateAsync(HeartbeatScript, [_keys.PresenceNodes, _keys.PresenceNodesReaping], [Instance, _ttlMs]).ConfigureAwait(false);
        // Unregistered after a reconnect means Redis lost the registry (it restarted empty), not that we were reaped.
        var reconnected = Interlocked.Exchange(ref _reconnectedSinceBeat, 0) == 1 || IsReRegistering;
        var takenForDead = status == 2 || (status == 1 && _beaten && !reconnected);
        _beaten = true;
        if (!takenForDead)
        {
            return;
        }
        // A survivor reaped (or is reaping) this instance: its entries go, its users' leaves were announced. Carry on
        // as a new instance; registering every connection again announces the joins the reaper undid.
        var fresh = string.Create(CultureInfo.InvariantCulture, $"{_nodeId}.{Interlocked.Increment(ref _generation)}");
        RedisLog.PresenceTakenForDead(_logger, Instance, fresh);
        Volatile.Write(ref _instance, fresh);
        foreach (var entry in _local.Values)
        {
            entry.Registered = false;
        }
        await db.ScriptEvaluateAsync(HeartbeatScript, [_keys.PresenceNodes, _keys.PresenceNodesReaping], [fresh, _ttlMs]).ConfigureAwait(false);
        await RefreshAsync(cancellationToken).ConfigureAwait(false);
    }

    private async Task ReapDeadNodesAsync(CancellationToken cancellationToken)
    {
        var db = Db;
        var claimed = (RedisResult[])(await db.ScriptEvaluateAsync(ClaimDeadScript, [_keys.PresenceNodes, _keys.PresenceNodesReaping], [_ttlMs, ClaimBatch]).ConfigureAwait(false))!;
        foreach (var node in claimed.Select(r => (string)r!))
        {
            if (node == Instance)
            {
                continue; // this node stalled past its own lease; the next beat notices and re-registers
            }
            cancellationToken.ThrowIfCancellationRequested();
            var left = await ReapAsync(db, node, cancellationToken).ConfigureAwait(false);
            await Task.WhenAll(
                db.KeyDeleteAsync(_keys.PresenceNodeUsers(node)),
                db.SortedSetRemoveAsync(_keys.PresenceNodesReaping, node)).ConfigureAwait(false);
            RedisLog.PresenceNodeReaped(_logger, node, left);
        }
    }

    /// <summary>Runs the reap script on every user of <paramref name="node"/>'s index; returns how many left.</summary>
    private async Task<int> ReapAsync(IDatabase db, string node, CancellationToken cancellationToken)
    {
        var index = _keys.PresenceNodeUsers(node);
        var left = 0;
        // The index does not change while the node is dead, so paging by rank sees every user once.
        for (long start = 0; ; start += RefreshChunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var users = await db.SortedSetRangeByRankAsync(index, start, start + RefreshChunk - 1).ConfigureAwait(false);
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var results = await Task.WhenAll(users.Select(u => (string)u!).Select(async user =>
            {
                var gone = (int)await db.ScriptEvaluateAsync(ReapScript, [_keys.PresenceUser(user), _keys.PresenceJoined(user)], [node]).ConfigureAwait(false) == 1;
                if (gone)
                {
                    _events.Publish(PresenceEvent.NodeDied(user, node, now));
                }
                return gone;
            })).ConfigureAwait(false);
            left += results.Count(r => r);
            if (users.Length < RefreshChunk)
            {
                return left;
            }
        }
    }
}
