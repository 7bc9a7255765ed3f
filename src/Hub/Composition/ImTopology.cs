namespace ImSignalR.Hub.Composition;

/// <summary>
/// Which adapters the configuration turns on, read once from the keys that switch them (SPEC §2): Redis state and
/// backplane when <c>Im:Redis:Configuration</c> is set, the RocketMQ log when <c>Im:RocketMq:NameServer</c> is set.
/// </summary>
internal sealed record ImTopology(bool HasRedis, bool HasRocketMq)
{
    /// <summary>Embedded mode: no Redis and no RocketMQ — one node, in-process state, dev tokens on by default.</summary>
    public bool IsEmbedded => !HasRedis && !HasRocketMq;

    public static ImTopology From(IConfiguration configuration) => new(
        !string.IsNullOrWhiteSpace(configuration["Im:Redis:Configuration"]),
        !string.IsNullOrWhiteSpace(configuration["Im:RocketMq:NameServer"]));
}
