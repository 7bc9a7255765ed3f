namespace ImSignalR.Domain.Ports;

public enum PresenceEventKind
{
    /// <summary>The user's first live connection, cluster-wide (<c>user_join</c>).</summary>
    Joined,

    /// <summary>The user's last live connection closed (<c>user_leave</c>, reason <c>closed</c>).</summary>
    Left,

    /// <summary>The node of the user's last live connection died (<c>user_leave</c>, reason <c>node_died</c>).</summary>
    NodeDied,
}
