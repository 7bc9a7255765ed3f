using ImSignalR.Domain.Ports;
using ImSignalR.Redis.Internal;
using Microsoft.Extensions.Logging;
using StackExchange.Redis;

namespace ImSignalR.Redis.State;

/// <summary>
/// Per-chat INCR counters that never repeat a seq (SPEC G3). A counter that is missing (new chat, or Redis lost
/// its data) is never created by a bare INCR: the fast path increments only an existing key, and a miss seeds it
/// from the store with "set if still missing, then INCR" in one script, so when two nodes miss together only the
/// first seed counts. When the store already holds messages the seed jumps <see cref="ImRedisOptions.SeqReseedJump"/>
/// past its max, because with the RocketMQ log accepted messages may not have reached the store yet.
/// </summary>
/// <remarks>
/// With a store that may lag, a conversation whose only messages are still in the log has no stored row, so
/// its max reads 0: after a loss of the counters that would repeat seq 1. A marker key tells the cases apart:
/// it is created with the first counter, so a miss that finds it gone while the store holds messages means the
/// counters were lost, and for <see cref="ImRedisOptions.SeqRecoveryWindow"/> every new counter then jumps too.
/// The marker and the recovery flag are kept per bucket of chats (<see cref="RedisKeys.SequenceBucket"/>), beside
/// the bucket's counters in one hash slot: the seed script touches only declared keys of one slot, and in a Redis
/// Cluster a master that loses its data loses its buckets' markers with their counters, so the loss is seen there.
/// </remarks>
internal sealed class RedisSequenceAllocator(
    IConnectionMultiplexer redis, RedisKeys keys, IMessageStore store, long reseedJump, TimeSpan? recoveryWindow, ILogger logger)
    : ISequenceAllocator
{
    // KEYS: counter. Never creates it: a missing counter must be seeded from the store.
    private const string IncrementExisting = """
        if redis.call('EXISTS', KEYS[1]) == 1 then
          return redis.call('INCR', KEYS[1])
        end
        return false
        """;

    // "Set if still missing, then INCR", watching for lost counters. KEYS: counter, marker, recovering.
    // ARGV: seed, jumped seed, window ms, store has messages ('1', '0', or '?' = not asked yet; a store that
    // cannot lag always answers '0'). Returns the new seq, or -1 when the marker is gone and the store must be asked.
    private const string Seed = """
        if redis.call('EXISTS', KEYS[1]) == 1 then
          return redis.call('INCR', KEYS[1])
        end
        if redis.call('EXISTS', KEYS[2]) == 0 then
          if ARGV[4] == '?' then
            return -1
          end
          redis.call('SET', KEYS[2], '1')
          if ARGV[4] == '1' then
            redis.call('SET', KEYS[3], '1', 'PX', ARGV[3])
          end
        end
        local seed = ARGV[1]
        if redis.call('EXISTS', KEYS[3]) == 1 then
          seed = ARGV[2]
        end
        redis.call('SET', KEYS[1], seed)
        return redis.call('INCR', KEYS[1])
        """;

    // KEYS: counter. ARGV: store max, seed when missing. Only ever raises.
    private const string RaiseTo = """
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
        """;

    public async ValueTask<long> NextAsync(string chatId, CancellationToken cancellationToken)
    {
        var key = keys.Sequence(chatId);
        var reply = await RedisStateCalls.RunAsync(Db.ScriptEvaluateAsync(IncrementExisting, [key])).ConfigureAwait(false);
        if (!reply.IsNull)
        {
            return (long)reply;
        }
        var storeMax = await store.GetMaxSeqAsync(chatId, cancellationToken).ConfigureAwait(false);
        var seed = SeedFor(storeMax);
        if (storeMax > 0)
        {
            RedisLog.SequenceSeeded(logger, chatId, seed, storeMax);
        }
        var jumped = storeMax + reseedJump;
        if (recoveryWindow is not { } window)
        {
            // The store never lags: its max is exact, and lost counters need no recovery window.
            return await SeedAsync(chatId, seed, jumped, 1, "0").ConfigureAwait(false);
        }
        var windowMs = (long)window.TotalMilliseconds;
        var next = await SeedAsync(chatId, seed, jumped, windowMs, "?").ConfigureAwait(false);
        if (next == -1)
        {
            var history = await store.HasAnyMessageAsync(cancellationToken).ConfigureAwait(false);
            if (history)
            {
                RedisLog.SequenceCountersLost(logger, window);
            }
            next = await SeedAsync(chatId, seed, jumped, windowMs, history ? "1" : "0").ConfigureAwait(false);
        }
        return next;
    }

    private async Task<long> SeedAsync(string chatId, long seed, long jumped, long windowMs, string storeHasMessages)
    {
        var reply = await RedisStateCalls.RunAsync(Db.ScriptEvaluateAsync(
            Seed,
            [keys.Sequence(chatId), keys.SequenceMarker(chatId), keys.SequenceRecovering(chatId)],
            [seed, jumped, windowMs, storeHasMessages])).ConfigureAwait(false);
        return (long)reply;
    }

    private IDatabase Db => redis.GetDatabase();

    public async ValueTask ReseedAsync(string chatId, long storeMaxSeq, CancellationToken cancellationToken)
    {
        await RedisStateCalls.RunAsync(Db.ScriptEvaluateAsync(
            RaiseTo, [keys.Sequence(chatId)], [storeMaxSeq, SeedFor(storeMaxSeq)])).ConfigureAwait(false);
    }

    private long SeedFor(long storeMax) => storeMax > 0 ? storeMax + reseedJump : 0;
}
