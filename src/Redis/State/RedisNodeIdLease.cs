using System.Diagnostics;
using System.Globalization;
using ImSignalR.Domain.Identity;
using ImSignalR.Redis.Internal;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ImSignalR.Redis.State;

/// <summary>
/// The node id as a lease in Redis, <c>{prefix}:nodeid:{id}</c> → "host pid instance", rewritten every third of its TTL.
/// A node restarted on the same host after a crash takes its predecessor's lease at once (that pid is gone); one on
/// another host waits for it to run out. A configured id still held then belongs to a live node, and this one refuses
/// to start; a derived id moves to the next free one. Each script touches one key, so Redis Cluster is fine.
/// </summary>
internal sealed class RedisNodeIdLease : INodeIdLease, IAsyncDisposable
{
    // 1 = ours (extended), 2 = was free (taken), 0 = another holder's.
    private static readonly LuaScript Renew = LuaScript.Prepare("""
        local holder = redis.call('GET', @key)
        if holder == @token then redis.call('PEXPIRE', @key, @ttl) return 1 end
        if not holder then redis.call('SET', @key, @token, 'PX', @ttl) return 2 end
        return 0
        """);

    // Takes the lease over only from the exact holder seen (a dead predecessor), never from one that replaced it.
    private static readonly LuaScript TakeOver = LuaScript.Prepare("""
        if redis.call('GET', @key) == @seen then redis.call('SET', @key, @token, 'PX', @ttl) return 1 end
        return 0
        """);

    private static readonly LuaScript Release = LuaScript.Prepare("""
        if redis.call('GET', @key) == @token then return redis.call('DEL', @key) end
        return 0
        """);

    private readonly IConnectionMultiplexer _redis;
    private readonly RedisKeys _keys;
    private readonly TimeSpan _ttl;
    private readonly ILogger _logger;
    private readonly string _host;
    private readonly int _pid;
    private readonly string _token;
    private readonly Func<int, bool> _processAlive;
    private readonly CancellationTokenSource _stop = new();
    private Task _renewLoop = Task.CompletedTask;
    private int? _claimed;
    private bool _lost;

    public RedisNodeIdLease(IConnectionMultiplexer redis, RedisKeys keys, TimeSpan ttl, ILogger logger)
        : this(redis, keys, ttl, logger, Environment.MachineName, Environment.ProcessId, IsProcessAlive)
    {
    }

    /// <summary>For tests: a lease as a process on <paramref name="host"/> with <paramref name="pid"/> would hold it.</summary>
    internal RedisNodeIdLease(IConnectionMultiplexer redis, RedisKeys keys, TimeSpan ttl, ILogger logger, string host, int pid, Func<int, bool> processAlive)
    {
        _redis = redis;
        _keys = keys;
        _ttl = ttl;
        _logger = logger;
        _host = host.Replace(' ', '_');
        _pid = pid;
        _processAlive = processAlive;
        _token = string.Create(CultureInfo.InvariantCulture, $"{_host} {pid} {Guid.NewGuid():N}");
    }

    public int Claim(int preferred, bool mayMove)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(preferred);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(preferred, SnowflakeIdGenerator.MaxNodeId);
        if (_claimed is not null)
        {
            throw new InvalidOperationException("The node id is already claimed.");
        }
        int id;
        try
        {
            id = mayMove ? ClaimFree(preferred) : ClaimConfigured(preferred);
        }
        catch (Exception ex) when (RedisStateCalls.IsUnavailable(ex))
        {
            // Redis away at start: run with the id unchecked rather than not at all; the renew loop claims it once
            // Redis is back, and says so loudly if another node holds it by then.
            RedisLog.NodeIdUnchecked(_logger, preferred, ex);
            id = preferred;
        }
        _claimed = id;
        _renewLoop = Task.Run(() => RenewLoopAsync(id));
        return id;
    }

    private int ClaimConfigured(int id)
    {
        var deadline = Stopwatch.GetTimestamp() + (long)((_ttl + TimeSpan.FromSeconds(1)).TotalSeconds * Stopwatch.Frequency);
        var waited = false;
        while (true)
        {
            if (TryClaim(id, out var holder))
            {
                return id;
            }
            if (Stopwatch.GetTimestamp() > deadline)
            {
                throw new InvalidOperationException(string.Create(CultureInfo.InvariantCulture,
                    $"Im:NodeId {id} is held by another live node ({Describe(holder)}); every node of a deployment needs its own id, or two nodes mint the same msgIds."));
            }
            if (!waited)
            {
                // A node of another host that died keeps its lease until the TTL runs out.
                RedisLog.NodeIdWaiting(_logger, id, Describe(holder), (long)_ttl.TotalMilliseconds);
                waited = true;
            }
            Thread.Sleep(TimeSpan.FromMilliseconds(250));
        }
    }

    private int ClaimFree(int preferred)
    {
        for (var i = 0; i <= SnowflakeIdGenerator.MaxNodeId; i++)
        {
            var id = (preferred + i) % (SnowflakeIdGenerator.MaxNodeId + 1);
            if (TryClaim(id, out _))
            {
                if (id != preferred)
                {
                    RedisLog.NodeIdMoved(_logger, preferred, id);
                }
                return id;
            }
        }
        throw new InvalidOperationException("Every node id (0–1023) is held by a live node.");
    }

    private bool TryClaim(int id, out string? holder)
    {
        var db = _redis.GetDatabase();
        var key = _keys.NodeId(id);
        if (db.StringSet(key, _token, _ttl, When.NotExists))
        {
            holder = null;
            return true;
        }
        holder = db.StringGet(key);
        if (holder is not null && IsDeadPredecessor(holder))
        {
            return (int)db.ScriptEvaluate(TakeOver, new { key, seen = holder, token = _token, ttl = (long)_ttl.TotalMilliseconds }) == 1;
        }
        return false;
    }

    /// <summary>A holder on this host whose process is gone, or that had our pid (a container restarted as pid 1).</summary>
    private bool IsDeadPredecessor(string holder)
    {
        var parts = holder.Split(' ');
        return parts.Length == 3 && parts[0] == _host && int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && (pid == _pid || !_processAlive(pid));
    }

    private static string Describe(string? holder) =>
        holder?.Split(' ') is [var host, var pid, _] ? $"host {host}, pid {pid}" : "unknown holder";

    private static bool IsProcessAlive(int pid)
    {
        // A killed process its parent has not reaped yet is a zombie: gone, though its pid still answers.
        if (OperatingSystem.IsLinux() && ReadProcState(pid) is { } state)
        {
            return state is not ('Z' or 'X');
        }
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static char? ReadProcState(int pid)
    {
        try
        {
            // "pid (comm) S …": the state follows the last ')' (comm may hold spaces and parentheses).
            var stat = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat"));
            var end = stat.LastIndexOf(')');
            return end >= 0 && end + 2 < stat.Length ? stat[end + 2] : null;
        }
        catch (IOException)
        {
            return 'X';
        }
        catch (UnauthorizedAccessException)
        {
            return null;
        }
    }

    private async Task RenewLoopAsync(int id)
    {
        using var timer = new PeriodicTimer(_ttl / 3);
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                await RenewOnceAsync(id).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    internal async Task RenewOnceAsync(int id)
    {
        try
        {
            var result = (int)await _redis.GetDatabase().ScriptEvaluateAsync(Renew,
                new { key = _keys.NodeId(id), token = _token, ttl = (long)_ttl.TotalMilliseconds }).ConfigureAwait(false);
            if (result == 0 && !_lost)
            {
                // Another process took the id while ours was not renewed (Redis lost it, or this node stalled past
                // its TTL): both now mint from one id. Said once per loss; cleared when ours again.
                RedisLog.NodeIdLost(_logger, id);
            }
            _lost = result == 0;
        }
        catch (Exception ex) when (RedisStateCalls.IsUnavailable(ex))
        {
            // Kept by the TTL meanwhile; renewed at the next tick.
        }
    }

    /// <summary>Stops renewing and frees the id, so a restart of this node on another host need not wait out the TTL.</summary>
    public async Task ReleaseAsync()
    {
        if (_stop.IsCancellationRequested)
        {
            return;
        }
        await _stop.CancelAsync().ConfigureAwait(false);
        await _renewLoop.ConfigureAwait(false);
        if (_claimed is { } id)
        {
            try
            {
                await _redis.GetDatabase().ScriptEvaluateAsync(Release, new { key = _keys.NodeId(id), token = _token }).ConfigureAwait(false);
            }
            catch (Exception ex) when (RedisStateCalls.IsUnavailable(ex) || ex is ObjectDisposedException)
            {
                // Runs out by itself.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await ReleaseAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
