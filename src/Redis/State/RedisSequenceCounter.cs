using ImSignalR.Domain.Ports;
using ImSignalR.Redis.Internal;
using StackExchange.Redis;

namespace ImSignalR.Redis.State;

/// <summary>
/// <see cref="ISequenceCounter"/> on Redis: one string per chat, each step one Lua script. Nothing here reads the
/// store or decides a seed; the policy is <see cref="Domain.Sequencing.SequenceAllocator"/>.
/// </summary>
/// <remarks>
/// The marker and the recovery flag are kept per bucket of chats (<see cref="RedisKeys.SequenceBucket"/>), beside the
/// bucket's counters in one hash slot: every script touches only declared keys of one slot, and in a Redis Cluster a
/// master that loses its data loses its buckets' markers with their counters, so the loss is seen there.
/// </remarks>
internal sealed class RedisSequenceCounter(IConnectionMultiplexer redis, RedisKeys keys) : ISequenceCounter
{
    // KEYS: counter. Never creates it: a missing counter must be seeded.
    private const string IncrementExisting = """
        if redis.call('EXISTS', KEYS[1]) == 1 then
          return redis.call('INCR', KEYS[1])
        end
        return false
        """;

    // "Set if still missing, then INCR", watching for lost counters. KEYS: counter, marker, recovering.
    // ARGV: seed, recovery seed, window ms, store has messages ('1', '0', or '?' = not asked yet).
    // Returns the new seq, or -1 when the marker is gone and the store must be asked.
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

    // KEYS: counter. ARGV: floor, seed when missing. Only ever raises.
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

    private IDatabase Db => redis.GetDatabase();

    public async ValueTask<long?> IncrementExistingAsync(string chatId, CancellationToken cancellationToken)
    {
        var reply = await RedisStateCalls.RunAsync(Db.ScriptEvaluateAsync(IncrementExisting, [keys.Sequence(chatId)])).ConfigureAwait(false);
        return reply.IsNull ? null : (long)reply;
    }

    public async ValueTask<long?> SeedAsync(string chatId, SequenceSeed seed, CancellationToken cancellationToken)
    {
        // Without a window no recovery flag is created: the store cannot lag, so the history is as good as "none".
        var (windowMs, history) = seed.RecoveryWindow is { } window
            ? ((long)window.TotalMilliseconds, seed.StoreHasMessages switch { true => "1", false => "0", null => "?" })
            : (1L, "0");
        var reply = await RedisStateCalls.RunAsync(Db.ScriptEvaluateAsync(
            Seed,
            [keys.Sequence(chatId), keys.SequenceMarker(chatId), keys.SequenceRecovering(chatId)],
            [seed.Seed, seed.RecoverySeed, windowMs, history])).ConfigureAwait(false);
        var next = (long)reply;
        return next == -1 ? null : next;
    }

    public async ValueTask RaiseToAsync(string chatId, long floor, long seedIfMissing, CancellationToken cancellationToken)
    {
        await RedisStateCalls.RunAsync(Db.ScriptEvaluateAsync(RaiseTo, [keys.Sequence(chatId)], [floor, seedIfMissing])).ConfigureAwait(false);
    }
}
