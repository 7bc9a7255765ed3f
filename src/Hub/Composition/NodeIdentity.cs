using ImSignalR.Domain.Identity;
using ImSignalR.Hub.Background;
using ImSignalR.Hub.Settings;

namespace ImSignalR.Hub.Composition;

/// <summary>The node id in msgIds: configured, 0 for the single embedded node, or derived (with a warning).</summary>
internal static class NodeIdentity
{
    /// <summary>The id, claimed in Redis in cluster mode so that no two live nodes share it (<see cref="INodeIdLease"/>).</summary>
    public static int Resolve(ImOptions options, ImTopology topology, IServiceProvider services)
    {
        var id = Choose(options, topology, services);
        return services.GetService<INodeIdLease>() is { } lease ? lease.Claim(id, mayMove: options.NodeId is null) : id;
    }

    private static int Choose(ImOptions options, ImTopology topology, IServiceProvider services)
    {
        if (options.NodeId is { } configured)
        {
            return configured;
        }
        if (topology.IsEmbedded)
        {
            return 0;
        }
        // FNV-1a over host name and pid: stable for the process, spread over 0–1023. Collisions are
        // possible, hence the warning: production sets Im:NodeId.
        var text = Environment.MachineName + "/" + Environment.ProcessId;
        var hash = 2166136261u;
        foreach (var c in text)
        {
            hash = (hash ^ c) * 16777619u;
        }
        var derived = (int)(hash % 1024);
        BackgroundLog.NodeIdDerived(services.GetRequiredService<ILoggerFactory>().CreateLogger("ImSignalR.Hub"), derived);
        return derived;
    }
}
