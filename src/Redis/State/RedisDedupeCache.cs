using System.Text.Json;
using ImSignalR.Domain.Ports;
using StackExchange.Redis;

namespace ImSignalR.Redis.State;

/// <summary>
/// Dedupe keys in Redis: a reservation is the value <c>P</c> set with <c>NX</c> and the short pending TTL; a
/// completed send replaces it with its JSON result for the dedupe window. Reserve-or-read is one script, so
/// a key that expires between the two steps cannot be misread. Every script touches only its one key.
/// </summary>
internal sealed class RedisDedupeCache(IConnectionMultiplexer redis, RedisKeys keys) : IDedupeCache
{
    // KEYS: the dedupe key. ARGV: pending ttl ms.
    private const string Reserve = """
        if redis.call('SET', KEYS[1], 'P', 'PX', ARGV[1], 'NX') then
          return {1}
        end
        return {0, redis.call('GET', KEYS[1])}
        """;

    // KEYS: the dedupe key. Deletes it only while it is still a reservation.
    private const string Release = """
        if redis.call('GET', KEYS[1]) == 'P' then
          return redis.call('DEL', KEYS[1])
        end
        return 0
        """;

    private IDatabase Db => redis.GetDatabase();

    public async ValueTask<DedupeLookup> TryReserveAsync(string fromUserId, string clientMsgId, TimeSpan pendingTtl, CancellationToken cancellationToken)
    {
        var reply = await RedisStateCalls.RunAsync(Db.ScriptEvaluateAsync(
            Reserve, [keys.Dedupe(fromUserId, clientMsgId)], [Millis(pendingTtl)])).ConfigureAwait(false);
        var items = (RedisResult[])reply!;
        if ((long)items[0] == 1)
        {
            return new DedupeLookup(DedupeState.Reserved);
        }
        var value = items.Length > 1 ? (byte[]?)items[1] : null;
        if (value is null || value.AsSpan().SequenceEqual("P"u8))
        {
            // Null here means it expired inside the script's own GET window, which Redis cannot do mid-script;
            // treat it as pending to stay on the safe side.
            return new DedupeLookup(DedupeState.Pending);
        }
        var record = JsonSerializer.Deserialize(value, RedisStateJsonContext.Default.DedupeRecord);
        return new DedupeLookup(DedupeState.Completed, record);
    }

    public async ValueTask CompleteAsync(string fromUserId, string clientMsgId, DedupeRecord record, TimeSpan window, CancellationToken cancellationToken)
    {
        var json = JsonSerializer.SerializeToUtf8Bytes(record, RedisStateJsonContext.Default.DedupeRecord);
        await RedisStateCalls.RunAsync(Db.StringSetAsync(keys.Dedupe(fromUserId, clientMsgId), json, window)).ConfigureAwait(false);
    }

    public async ValueTask ReleaseAsync(string fromUserId, string clientMsgId, CancellationToken cancellationToken)
    {
        await RedisStateCalls.RunAsync(Db.ScriptEvaluateAsync(Release, [keys.Dedupe(fromUserId, clientMsgId)])).ConfigureAwait(false);
    }

    private static long Millis(TimeSpan ttl) => Math.Max(1, (long)Math.Ceiling(ttl.TotalMilliseconds));
}
