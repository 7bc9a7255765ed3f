using ImSignalR.Domain.Ports;
using ImSignalR.Infrastructure.Redis.Internal;
using Microsoft.Extensions.Logging;

namespace ImSignalR.Infrastructure.Redis.State;

/// <summary>
/// Per-chat INCR counters that never repeat a seq (SPEC G3). A counter that is missing (new chat, or Redis lost
/// its data) is never created by a bare INCR: the fast path increments only an existing key, and a miss seeds it
/// from the store with "set if still missing, then INCR" in one script, so when two nodes miss together only the
/// first seed counts. When the store already holds messages the seed jumps <see cref="ImRedisOptions.SeqReseedJump"/>
/// past its max, because with the RocketMQ log accepted messages may not have reached the store yet.
/// </summary>
internal sealed class RedisSequenceAllocator(IRedisClient redis, RedisKeys keys, IMessageStore store, long reseedJump, ILogger logger)
    : ISequenceAllocator
{
    private static readonly RedisScript IncrementExisting = new("""
        if redis.call('EXISTS', KEYS[1]) == 1 then
          return redis.call('INCR', KEYS[1])
        end
        return false
        """);

    private static readonly RedisScript SeedThenIncrement = new("""
        if redis.call('EXISTS', KEYS[1]) == 0 then
          redis.call('SET', KEYS[1], ARGV[1])
        end
        return redis.call('INCR', KEYS[1])
        """);

    // ARGV: store max, seed when missing. Only ever raises.
    private static readonly RedisScript RaiseTo = new("""
        local current = redis.call('GET', KEYS[1])
        if not current then
          redis.call('SET', KEYS[1], ARGV[2])
          return 1
        end
        if tonumber(current) < tonumber(ARGV[1]) then
          redis.call('SET', KEYS[1], ARGV[1])
          return 1
        end
        return 0
        """);

    public async ValueTask<long> NextAsync(string chatId, CancellationToken cancellationToken)
    {
        var key = keys.Sequence(chatId);
        var reply = await RedisStateCalls.RunAsync(redis.EvaluateAsync(IncrementExisting, [key], [], cancellationToken)).ConfigureAwait(false);
        if (!reply.IsNull)
        {
            return reply.AsInt64();
        }
        var storeMax = await store.GetMaxSeqAsync(chatId, cancellationToken).ConfigureAwait(false);
        var seed = SeedFor(storeMax);
        if (storeMax > 0)
        {
            RedisLog.SequenceSeeded(logger, chatId, seed, storeMax);
        }
        var seeded = await RedisStateCalls.RunAsync(redis.EvaluateAsync(SeedThenIncrement, [key], [seed], cancellationToken)).ConfigureAwait(false);
        return seeded.AsInt64();
    }

    public async ValueTask ReseedAsync(string chatId, long storeMaxSeq, CancellationToken cancellationToken)
    {
        await RedisStateCalls.RunAsync(redis.EvaluateAsync(
            RaiseTo, [keys.Sequence(chatId)], [storeMaxSeq, SeedFor(storeMaxSeq)], cancellationToken)).ConfigureAwait(false);
    }

    private long SeedFor(long storeMax) => storeMax > 0 ? storeMax + reseedJump : 0;
}
