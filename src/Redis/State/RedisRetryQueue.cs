using System.Globalization;
using System.Text.Json;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using StackExchange.Redis;

namespace ImSignalR.Redis.State;

/// <summary>
/// The cluster-wide retry queue: <c>retry:due</c> (zset msgId → due ms), <c>retry:lease</c> (zset msgId →
/// lease expiry ms) and <c>retry:payload</c> (hash msgId → JSON), all three under the hash tag <c>{retry}</c> so
/// a Redis Cluster keeps them in one slot. Every mutation is one Lua script that names all its keys in KEYS, so
/// a claim moves entries from due (or from an expired lease) to a fresh lease atomically: two sweepers never
/// get the same entry, and a dead sweeper's entries come back when its lease runs out.
/// </summary>
internal sealed class RedisRetryQueue(IConnectionMultiplexer redis, RedisKeys keys) : IRetryQueue
{
    // Ids per call: keeps the remove script's unpack() well under Lua's stack limit, and HMGET replies small.
    private const int IdsPerCall = 1000;

    // KEYS: payload, due. ARGV: id, json, due ms.
    private const string Schedule = """
        if redis.call('HSETNX', KEYS[1], ARGV[1], ARGV[2]) == 1 then
          redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
        end
        return 1
        """;

    // KEYS: due, lease, payload. ARGV: now ms, max, lease-until ms. Expired leases first, then due entries.
    private const string Claim = """
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
        """;

    // KEYS: payload, due, lease. ARGV: id, json, due ms.
    private const string Reschedule = """
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 0 then
          return 0
        end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        redis.call('ZREM', KEYS[3], ARGV[1])
        redis.call('ZADD', KEYS[2], ARGV[3], ARGV[1])
        return 1
        """;

    // KEYS: payload. ARGV: id, the payload read, the new payload. Sets only over what was read: a sweeper that
    // rescheduled the entry meanwhile (one more replay) makes the caller read again.
    private const string CompareAndSet = """
        if redis.call('HGET', KEYS[1], ARGV[1]) == ARGV[2] then
          redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
          return 1
        end
        return 0
        """;

    // Reads per replace: each lost race means a sweeper rescheduled the entry, which happens seconds apart.
    private const int ReplaceAttempts = 3;

    // KEYS: due, lease, payload. ARGV: ids.
    private const string Remove = """
        redis.call('ZREM', KEYS[1], unpack(ARGV))
        redis.call('ZREM', KEYS[2], unpack(ARGV))
        return redis.call('HDEL', KEYS[3], unpack(ARGV))
        """;

    private IDatabase Db => redis.GetDatabase();

    public async ValueTask ScheduleAsync(ChatMessage message, DateTimeOffset due, CancellationToken cancellationToken)
    {
        await RedisStateCalls.RunAsync(Db.ScriptEvaluateAsync(
            Schedule,
            [keys.RetryPayload, keys.RetryDue],
            [Id(message.MsgId), Serialize(new RetryPayload(message, 0)), due.ToUnixTimeMilliseconds()])).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<RetryEntry>> ClaimDueAsync(DateTimeOffset now, int max, TimeSpan lease, CancellationToken cancellationToken)
    {
        if (max <= 0)
        {
            return [];
        }
        var reply = await RedisStateCalls.RunAsync(Db.ScriptEvaluateAsync(
            Claim,
            [keys.RetryDue, keys.RetryLease, keys.RetryPayload],
            [now.ToUnixTimeMilliseconds(), max, (now + lease).ToUnixTimeMilliseconds()])).ConfigureAwait(false);
        var items = (RedisResult[])reply!;
        var entries = new List<RetryEntry>(items.Length);
        foreach (var item in items)
        {
            var payload = Deserialize((byte[])item!);
            entries.Add(new RetryEntry(payload.Message, payload.Replays));
        }
        return entries;
    }

    public async ValueTask<bool> RescheduleAsync(RetryEntry claimed, DateTimeOffset due, CancellationToken cancellationToken)
    {
        var reply = await RedisStateCalls.RunAsync(Db.ScriptEvaluateAsync(
            Reschedule,
            [keys.RetryPayload, keys.RetryDue, keys.RetryLease],
            [Id(claimed.Message.MsgId), Serialize(new RetryPayload(claimed.Message, claimed.Replays + 1)), due.ToUnixTimeMilliseconds()]))
            .ConfigureAwait(false);
        return (long)reply == 1;
    }

    public async ValueTask ReplaceMessageAsync(ChatMessage message, CancellationToken cancellationToken)
    {
        var id = Id(message.MsgId);
        for (var attempt = 0; attempt < ReplaceAttempts; attempt++)
        {
            var current = await RedisStateCalls.RunAsync(Db.HashGetAsync(keys.RetryPayload, id)).ConfigureAwait(false);
            if (current.IsNull)
            {
                return;
            }
            var replaced = Serialize(Deserialize((byte[])current!) with { Message = message });
            var reply = await RedisStateCalls.RunAsync(Db.ScriptEvaluateAsync(CompareAndSet, [keys.RetryPayload], [id, current, replaced]))
                .ConfigureAwait(false);
            if ((long)reply == 1)
            {
                return;
            }
        }
    }

    public async ValueTask RemoveAsync(IReadOnlyCollection<long> msgIds, CancellationToken cancellationToken)
    {
        // The chunks go out together (SE.Redis pipelines concurrent commands on one connection).
        var keysOfQueue = new[] { keys.RetryDue, keys.RetryLease, keys.RetryPayload };
        await RedisStateCalls.RunAsync(Task.WhenAll(msgIds.Chunk(IdsPerCall).Select(chunk =>
            Db.ScriptEvaluateAsync(Remove, keysOfQueue, Array.ConvertAll(chunk, Id))))).ConfigureAwait(false);
    }

    public async ValueTask<IReadOnlyList<ChatMessage>> GetPendingAsync(IReadOnlyCollection<long> msgIds, CancellationToken cancellationToken)
    {
        var replies = await RedisStateCalls.RunAsync(Task.WhenAll(msgIds.Chunk(IdsPerCall).Select(chunk =>
            Db.HashGetAsync(keys.RetryPayload, Array.ConvertAll(chunk, Id))))).ConfigureAwait(false);
        var found = new List<ChatMessage>(msgIds.Count);
        foreach (var reply in replies)
        {
            foreach (var item in reply)
            {
                if (!item.IsNull)
                {
                    found.Add(Deserialize((byte[])item!).Message);
                }
            }
        }
        return found;
    }

    public async ValueTask<long> CountAsync(CancellationToken cancellationToken) =>
        await RedisStateCalls.RunAsync(Db.HashLengthAsync(keys.RetryPayload)).ConfigureAwait(false);

    private static RedisValue Id(long msgId) => msgId.ToString(CultureInfo.InvariantCulture);

    private static byte[] Serialize(RetryPayload payload) => JsonSerializer.SerializeToUtf8Bytes(payload, RedisStateJsonContext.Default.RetryPayload);

    private static RetryPayload Deserialize(byte[] value) =>
        JsonSerializer.Deserialize(value, RedisStateJsonContext.Default.RetryPayload)
        ?? throw new InvalidDataException("Empty retry payload.");
}
