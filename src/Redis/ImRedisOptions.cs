using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace ImSignalR.Redis;

/// <summary>Redis settings shared by the backplane and the cluster-state adapters (one multiplexer serves both).</summary>
public sealed partial class ImRedisOptions
{
    /// <summary>The configuration section bound by <see cref="RedisServiceCollectionExtensions.AddImRedis"/>.</summary>
    public const string Section = "Im:Redis";

    /// <summary>
    /// A StackExchange.Redis configuration string: one server (<c>host:port,password=…</c>) or the seed nodes of a
    /// Redis Cluster (<c>h1:p1,h2:p2,…</c>). <c>abortConnect</c>, the backlog policy, the command timeouts and the
    /// channel prefix are set from the options below, whatever the string says.
    /// </summary>
    public string Configuration { get; set; } = "localhost:6379";

    /// <summary>
    /// The one prefix of every key (<c>{Prefix}:…</c>) and of every backplane channel (<c>{Prefix}:{hub type}:…</c>),
    /// so several deployments can share one Redis (pub/sub ignores the database number, so the channel prefix is
    /// what keeps their pushes apart). No braces: they would change the keys' hash slots.
    /// </summary>
    public string Prefix { get; set; } = "im";

    /// <summary>Per-command timeout (StackExchange.Redis <c>syncTimeout</c> and <c>asyncTimeout</c>).</summary>
    public TimeSpan CommandTimeout { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Idle connections send a PING this often, so a half-open socket is found without waiting for a command.</summary>
    public TimeSpan KeepAlive { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>This node's id in presence entries; unique per process start by default.</summary>
    public string NodeId { get; set; } = $"{Environment.MachineName}_{Guid.NewGuid():N}";

    /// <summary>How long a node's presence entries outlive it when it dies without cleaning up.</summary>
    public TimeSpan PresenceLeaseTtl { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>
    /// TTL of the node id lease (<c>{prefix}:nodeid:{id}</c>), rewritten every third of it. A node restarted on
    /// another host after a crash waits up to this long for its configured id.
    /// </summary>
    public TimeSpan NodeIdLeaseTtl { get; set; } = TimeSpan.FromSeconds(10);

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

    [GeneratedRegex("^[A-Za-z0-9_.:-]{1,64}$")]
    internal static partial Regex PrefixPattern();

    internal IEnumerable<string> Validate()
    {
        if (string.IsNullOrWhiteSpace(Configuration))
        {
            yield return "Im:Redis:Configuration is required.";
        }
        else
        {
            string? error = null;
            try
            {
                if (ConfigurationOptions.Parse(Configuration).EndPoints.Count == 0)
                {
                    error = "Im:Redis:Configuration names no endpoint.";
                }
            }
            catch (Exception ex) when (ex is ArgumentException or FormatException or NotSupportedException)
            {
                error = $"Im:Redis:Configuration is invalid: {ex.Message}";
            }
            if (error is not null)
            {
                yield return error;
            }
        }
        if (Prefix is null || !PrefixPattern().IsMatch(Prefix))
        {
            yield return "Im:Redis:Prefix must be 1-64 characters of [A-Za-z0-9_.:-].";
        }
        if (CommandTimeout < TimeSpan.FromMilliseconds(10) || CommandTimeout > TimeSpan.FromMinutes(5))
        {
            yield return "Im:Redis:CommandTimeout must be between 10 ms and 5 minutes.";
        }
        if (KeepAlive < TimeSpan.FromSeconds(1))
        {
            yield return "Im:Redis:KeepAlive must be at least 1 s.";
        }
        if (string.IsNullOrWhiteSpace(NodeId) || NodeId.Contains(' ', StringComparison.Ordinal))
        {
            yield return "Im:Redis:NodeId must be non-empty without spaces.";
        }
        if (PresenceLeaseTtl < TimeSpan.FromSeconds(1))
        {
            yield return "Im:Redis:PresenceLeaseTtl must be at least 1 s.";
        }
        if (NodeIdLeaseTtl < TimeSpan.FromSeconds(1) || NodeIdLeaseTtl > TimeSpan.FromMinutes(5))
        {
            yield return "Im:Redis:NodeIdLeaseTtl must be between 1 s and 5 minutes.";
        }
        if (SeqReseedJump < 0)
        {
            yield return "Im:Redis:SeqReseedJump must not be negative.";
        }
        if (SeqRecoveryWindow <= TimeSpan.Zero)
        {
            yield return "Im:Redis:SeqRecoveryWindow must be positive.";
        }
    }
}
