namespace ImSignalR.Domain.Ports;

/// <summary>A user's presence changed cluster-wide (SPEC §13).</summary>
/// <param name="NodeId">The node instance whose connection made the change (for a leave by node death: the dead one).</param>
/// <param name="Time">Unix ms when this node saw the change.</param>
public sealed record PresenceEvent(PresenceEventKind Kind, string UserId, string NodeId, long Time)
{
    public static PresenceEvent Joined(string userId, string nodeId, long time) => new(PresenceEventKind.Joined, userId, nodeId, time);

    public static PresenceEvent Left(string userId, string nodeId, long time) => new(PresenceEventKind.Left, userId, nodeId, time);

    public static PresenceEvent NodeDied(string userId, string nodeId, long time) => new(PresenceEventKind.NodeDied, userId, nodeId, time);
}
