namespace ImSignalR.Redis.State;

/// <summary>
/// The presence scripts. Each touches one user's keys only (the hash, the joined marker: one hash tag, one slot)
/// or only the node registry's two keys (one tag), so Redis Cluster runs every one of them atomically.
/// An entry's value is <c>"expiry-ms node-instance connected-ms transport protocol"</c>; scripts read the first two
/// fields only, so entries written before the last three existed still parse.
/// </summary>
internal sealed partial class RedisPresence
{
    // Redis's own clock in ms as `now`: every node compares expiries against one clock, not its own.
    private const string NowMs = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)

        """;

    // KEYS: user hash, joined marker. ARGV: entry ttl ms, hash ttl ms, node instance, mode, then pairs of connection id
    // and "connected-ms transport protocol". Modes for the joined marker: 1 (a connect) creates it if missing and then
    // returns 1: the user's first connection cluster-wide (user_join); 0 (re-registering after Redis came back,
    // maybe empty) creates a missing one silently; 2 (a routine refresh) only extends an existing one, so an entry
    // rewritten just as its connection closed (and its leave was announced) cannot bring a marker back and swallow
    // the next join.
    private const string UpsertScript = NowMs + """
        local head = (now + tonumber(ARGV[1])) .. ' ' .. ARGV[3] .. ' '
        for i = 5, #ARGV, 2 do
          redis.call('HSET', KEYS[1], ARGV[i], head .. ARGV[i + 1])
        end
        redis.call('PEXPIRE', KEYS[1], ARGV[2])
        if ARGV[4] ~= '2' and redis.call('SET', KEYS[2], ARGV[3], 'PX', ARGV[2], 'NX') then
          if ARGV[4] == '1' then
            return 1
          end
          return 0
        end
        redis.call('PEXPIRE', KEYS[2], ARGV[2])
        return 0
        """;

    // KEYS: user hash, joined marker. ARGV: connection id, unsure (1/0). Drops the entry and the expired ones; when no
    // live entry is left, deletes the marker and returns 1 (user_leave). "Unsure" (Redis came back empty moments ago,
    // the marker may be among what it lost) answers 1 for an empty hash even without a marker: a duplicate leave is
    // better than a lost one.
    private const string RemoveScript = NowMs + """
        redis.call('HDEL', KEYS[1], ARGV[1])
        local entries = redis.call('HGETALL', KEYS[1])
        for i = 1, #entries, 2 do
          local expiry = tonumber(string.match(entries[i + 1], '^(%d+)'))
          if expiry and expiry > now then
            return 0
          end
        end
        redis.call('DEL', KEYS[1])
        if redis.call('DEL', KEYS[2]) == 1 or ARGV[2] == '1' then
          return 1
        end
        return 0
        """;

    // KEYS: user hash, joined marker. ARGV: a dead node instance. Drops that node's entries and the expired ones;
    // returns 1 when this call deleted the marker (user_leave, the node died). Idempotent: a second run finds no
    // marker, so two nodes reaping the same user announce one leave.
    private const string ReapScript = NowMs + """
        local entries = redis.call('HGETALL', KEYS[1])
        local live = 0
        for i = 1, #entries, 2 do
          local expiry, node = string.match(entries[i + 1], '^(%d+) (%S+)')
          if node == ARGV[1] or not expiry or tonumber(expiry) <= now then
            redis.call('HDEL', KEYS[1], entries[i])
          else
            live = live + 1
          end
        end
        if live == 0 and redis.call('DEL', KEYS[2]) == 1 then
          return 1
        end
        return 0
        """;

    // KEYS: user hash. Counts unexpired entries; drops the others (never the marker: only a leave deletes it).
    private const string CountLiveScript = NowMs + """
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

    // KEYS: user hash. ARGV: a connection id. 1 when an unexpired entry other than that connection's exists. Read only:
    // expired entries are left for the count and the reaper (a send must not write).
    private const string OtherLiveScript = NowMs + """
        local entries = redis.call('HGETALL', KEYS[1])
        for i = 1, #entries, 2 do
          if entries[i] ~= ARGV[1] then
            local expiry = tonumber(string.match(entries[i + 1], '^(%d+)'))
            if expiry and expiry > now then
              return 1
            end
          end
        end
        return 0
        """;

    // KEYS: user hash. ARGV: max. The unexpired entries, as field, value, field, value…, at most max of them.
    private const string ListLiveScript = NowMs + """
        local entries = redis.call('HGETALL', KEYS[1])
        local out = {}
        local max = tonumber(ARGV[1]) * 2
        for i = 1, #entries, 2 do
          local expiry = tonumber(string.match(entries[i + 1], '^(%d+)'))
          if expiry and expiry > now and #out < max then
            out[#out + 1] = entries[i]
            out[#out + 1] = entries[i + 1]
          end
        end
        return out
        """;

    // KEYS: live nodes, reaping nodes. ARGV: node instance, lease ttl ms. Returns 2 (and does not register) when a
    // survivor is reaping the instance: it stalled past its lease and was taken for dead. Otherwise registers it and
    // returns 1 when it was not registered (its first beat, Redis lost the registry, or its reaping is over), else 0.
    private const string HeartbeatScript = NowMs + """
        if redis.call('ZSCORE', KEYS[2], ARGV[1]) then
          return 2
        end
        return redis.call('ZADD', KEYS[1], now + tonumber(ARGV[2]), ARGV[1])
        """;

    // KEYS: live nodes, reaping nodes. ARGV: claim ttl ms, max. Moves nodes whose lease expired to "reaping" with a
    // claim of claim-ttl, and re-claims reaping nodes whose claim expired (their reaper died); returns them. Only the
    // caller gets a given node until its claim expires.
    private const string ClaimDeadScript = NowMs + """
        local until_ = now + tonumber(ARGV[1])
        local max = tonumber(ARGV[2])
        local out = {}
        for _, node in ipairs(redis.call('ZRANGEBYSCORE', KEYS[1], '-inf', now, 'LIMIT', 0, max)) do
          redis.call('ZREM', KEYS[1], node)
          redis.call('ZADD', KEYS[2], until_, node)
          out[#out + 1] = node
        end
        if #out < max then
          for _, node in ipairs(redis.call('ZRANGEBYSCORE', KEYS[2], '-inf', now, 'LIMIT', 0, max - #out)) do
            redis.call('ZADD', KEYS[2], until_, node)
            out[#out + 1] = node
          end
        end
        return out
        """;
}
