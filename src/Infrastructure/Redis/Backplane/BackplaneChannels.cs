namespace ImSignalR.Infrastructure.Redis.Backplane;

/// <summary>The official channel names, prefixed with the hub's full type name (and the configured channel prefix).</summary>
internal sealed class BackplaneChannels(string prefix)
{
    public string All { get; } = prefix + ":all";

    public string GroupManagement { get; } = prefix + ":internal:groups";

    public string Ack(string serverName) => $"{prefix}:internal:ack:{serverName}";

    public string Connection(string connectionId) => $"{prefix}:connection:{connectionId}";

    public string Group(string groupName) => $"{prefix}:group:{groupName}";

    public string User(string userId) => $"{prefix}:user:{userId}";
}
