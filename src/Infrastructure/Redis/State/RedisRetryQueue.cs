using System.Globalization;
using System.Text.Json;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using ImSignalR.Infrastructure.Redis.Protocol;

namespace ImSignalR.Infrastructure.Redis.State;

/// <summary>
/// The cluster-wide retry queue: <c>retry:due</c> (zset msgId → due ms), <c>retry:lease</c> (zset msgId →
/// lease expiry ms) and <c>retry:payload</c> (hash msgId → JSON). Every mutation is one Lua script, so a
/// claim moves entries from due (or from an expired lease) to a fresh lease atomically: two sweepers never
/// get the same entry, and a dead sweeper's entries come back when its lease runs out.
/// </summary>
internal sealed class RedisRetryQueue(IRedisClient redis, RedisKeys keys) : IRetryQueue
{
    // Ids per call: keeps the remove script's unpack() well under Lua's stack limit, and HMGET replies small.
    private const int IdsPerCall = 1000;

    private static readonly RedisScript Schedule = new("""
        if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
          redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
        end
        return 1
        """);

    // KEYS: due, lease, payload. ARGV: now ms, max, lease-until ms. Expired leases first, then due entries.
    private static readonly RedisScript Claim = new("""
        local max = tonumber(ARGV[2])
        local out = {}
        local function take(source, fromLease)
          if #out >= max then return end
          local ids = redis.call('ZRANGEBYSCORE', source, '-inf', ARGV[1], 'LIMIT', 0, max - #out)
          for _, id in ipairs(ids) do
            if not fromLease then redis.call('ZREM', source, id) end
            local payload = redis.call('HGET', KEYS[3], id)
            if payload then
              redis.call('ZADD', KEYS[2], ARGV[3], id)
              out[#out + 1] = payload
            else
              redis.call('ZREM', KEYS[2], id)
            end
          end
        end
        take(KEYS[2], true)
        take(KEYS[1], false)
        return out
        """);

    // KEYS: payload, due, lease. ARGV: id, json, due ms.
    private static readonly RedisScript Reschedule = new("""
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
          return 0
        end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        redis.call('ZREM', KEYS[3], ARGV[1])
        redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
        return 1
        """);

    // KEYS: due, lease, payload. ARGV: ids.
    private static readonly RedisScript Remove = new("""
        redis.call('ZREM', KEYS[1], unpack(ARGV))
        redis.call('ZREM', KEYS[2], unpack(ARGV))
        return redis.call('HDEL', KEYS[3], unpack(ARGV))
        """);

    public async ValueTask ScheduleAsync(ChatMessage message, DateTimeOffset due, CancellationToken cancellationToken)
    {
        await RedisStateCalls.RunAsync(redis.EvaluateAsync(
            Schedule,
            [keys.RetryPayload, keys.RetryDue],
            [Id(message.MsgId), Serialize(new RetryPayload(message, 0)), due.ToUnixTimeMilliseconds()],
            cancellationToken)).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<RetryEntry>> ClaimDueAsync(DateTimeOffset now, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        if (max <= 0)
        {
            return [];
        }
        var reply = await RedisStateCalls.RunAsync(redis.EvaluateAsync(
            Claim,
            [keys.RetryDue, keys.RetryLease, keys.RetryPayload],
            [now.ToUnixTimeMilliseconds(), max, (now + lease).ToUnixTimeMilliseconds()],
            cancellationToken)).ConfigureAwait(false);
        var entries = new List<RetryEntry>(reply.Items.Length);
        foreach (var item in reply.Items)
        {
            var payload = Deserialize(item);
            entries.Add(new RetryEntry(payload.Message, payload.Replays));
        }
        return entries;
    }

    public async ValueTask<bool> RescheduleAsync(RetryEntry claimed, DateTimeOffset due, CancellationToken cancellationToken)
    {
        var reply = await RedisStateCalls.RunAsync(redis.EvaluateAsync(
            Reschedule,
            [keys.RetryPayload, keys.RetryDue, keys.RetryLease],
            [Id(claimed.Message.MsgId), Serialize(new RetryPayload(claimed.Message, claimed.Replays + 1)), due.ToUnixTimeMilliseconds()],
            cancellationToken)).ConfigureAwait(false);
        return reply.AsInt64() == 1;
    }

    public async ValueTask RemoveAsync(IReadOnlyCollection<long> msgIds, CancellationToken cancellationToken)
    {
        foreach (var chunk in msgIds.Chunk(IdsPerCall))
        {
            var args = new RedisArg[chunk.Length];
            for (var i = 0; i < chunk.Length; i++)
            {
                args[i] = Id(chunk[i]);
            }
            await RedisStateCalls.RunAsync(redis.EvaluateAsync(
                Remove, [keys.RetryDue, keys.RetryLease, keys.RetryPayload], args, cancellationToken)).ConfigureAwait(false);
        }
    }

    public async ValueTask<IReadOnlyList<ChatMessage>> GetPendingAsync(IReadOnlyCollection<long> msgIds, CancellationToken cancellationToken)
    {
        var found = new List<ChatMessage>(msgIds.Count);
        foreach (var chunk in msgIds.Chunk(IdsPerCall))
        {
            var command = new RedisArg[chunk.Length + 2];
            command[0] = "HMGET";
            command[1] = keys.RetryPayload;
            for (var i = 0; i < chunk.Length; i++)
            {
                command[i + 2] = Id(chunk[i]);
            }
            var reply = await RedisStateCalls.RunAsync(redis.ExecuteAsync(command, cancellationToken)).ConfigureAwait(false);
            foreach (var item in reply.Items)
            {
                if (!item.IsNull)
                {
                    found.Add(Deserialize(item).Message);
                }
            }
        }
        return found;
    }

    public async ValueTask<long> CountAsync(CancellationToken cancellationToken)
    {
        var reply = await RedisStateCalls.RunAsync(redis.ExecuteAsync(["HLEN", keys.RetryPayload], cancellationToken)).ConfigureAwait(false);
        return reply.AsInt64();
    }

    private static string Id(long msgId) => msgId.ToString(CultureInfo.InvariantCulture);

    private static byte[] Serialize(RetryPayload payload) => JsonSerializer.SerializeToUtf8Bytes(payload, RedisStateJsonContext.Default.RetryPayload);

    private static RetryPayload Deserialize(in RedisValue value) =>
        JsonSerializer.Deserialize(value.Memory.Span, RedisStateJsonContext.Default.RetryPayload)
        ?? throw new InvalidDataException("Empty retry payload.");
}
