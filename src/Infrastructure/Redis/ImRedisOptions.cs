namespace ImSignalR.Infrastructure.Redis;

/// <summary>Redis settings shared by the backplane and the cluster-state adapters.</summary>
public sealed class ImRedisOptions
{
    /// <summary>
    /// StackExchange.Redis-style string: <c>host:port,password=…,user=…,defaultDatabase=0,connectTimeout=5000,syncTimeout=5000,name=…</c>.
    /// </summary>
    public string Configuration { get; set; } = "localhost:6379";

    /// <summary>Prefix of every key the cluster-state adapters write, so several apps can share one Redis.</summary>
    public string KeyPrefix { get; set; } = "im:";

    /// <summary>Prefix of every pub/sub channel of the backplane (prepended with no separator, as StackExchange.Redis does).</summary>
    public string ChannelPrefix { get; set; } = "";

    /// <summary>This node's id for presence leases and backplane acks; unique per process start by default.</summary>
    public string NodeId { get; set; } = $"{Environment.MachineName}_{Guid.NewGuid():N}";

    /// <summary>How long a node's presence entries outlive it when it dies without cleaning up.</summary>
    public TimeSpan PresenceLeaseTtl { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// Added to the store's max seq when a conversation's counter is missing but the store has messages: with the
    /// RocketMQ log the store can lag behind accepted messages, so seeding at exactly its max could repeat a seq.
    /// </summary>
    public long SeqReseedJump { get; set; } = 1000;

    /// <summary>
    /// True when the store can lag behind accepted messages (the RocketMQ log): then, once Redis is found to have
    /// lost the counters (see <see cref="SeqRecoveryWindow"/>), even conversations with no stored message yet
    /// start above <see cref="SeqReseedJump"/>, since their first messages may still be on their way to the store.
    /// </summary>
    public bool StoreMayLag { get; set; }

    /// <summary>How long after the counters were found lost new counters keep jumping; longer than any consumer lag.</summary>
    public TimeSpan SeqRecoveryWindow { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Timeout of a backplane group add/remove for a connection on another node (the official value).</summary>
    public TimeSpan GroupAckTimeout { get; set; } = TimeSpan.FromSeconds(30);

    internal IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Configuration))
        {
            yield return "ImRedisOptions.Configuration is required.";
        }
        else
        {
            string? error = null;
            try
            {
                RedisConfiguration.Parse(Configuration);
            }
            catch (Exception ex) when (ex is FormatException or OverflowException or ArgumentException)
            {
                error = $"ImRedisOptions.Configuration is invalid: {ex.Message}";
            }
            if (error is not null)
            {
                yield return error;
            }
        }
        if (string.IsNullOrWhiteSpace(NodeId) || NodeId.Contains(' ', StringComparison.Ordinal))
        {
            yield return "ImRedisOptions.NodeId must be non-empty without spaces.";
        }
        if (PresenceLeaseTtl < TimeSpan.FromSeconds(1))
        {
            yield return "ImRedisOptions.PresenceLeaseTtl must be at least 1 s.";
        }
        if (SeqReseedJump < 0)
        {
            yield return "ImRedisOptions.SeqReseedJump must not be negative.";
        }
        if (SeqRecoveryWindow <= TimeSpan.Zero)
        {
            yield return "ImRedisOptions.SeqRecoveryWindow must be positive.";
        }
        if (GroupAckTimeout <= TimeSpan.Zero)
        {
            yield return "ImRedisOptions.GroupAckTimeout must be positive.";
        }
    }
}
