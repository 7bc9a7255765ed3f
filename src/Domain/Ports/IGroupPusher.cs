using ImSignalR.Contracts;

namespace ImSignalR.Domain.Ports;

/// <summary>
/// The fast path of group delivery (SPEC §10): one publish per message to the group's SignalR group, which the
/// backplane turns into one message across nodes. Best effort: G5 rests on seq sync.
/// </summary>
public interface IGroupPusher
{
    /// <summary><c>ReceiveGroup</c> to every connection in the group, the sender's own sending connection left out.</summary>
    Task PushMessageAsync(long groupId, ImMessage message, string? exceptConnectionId, CancellationToken cancellationToken);

    /// <summary><c>GroupRead</c> to every connection in the group.</summary>
    Task PushReadAsync(long groupId, GroupReadNotice read, CancellationToken cancellationToken);

    /// <summary><c>MessageRecalled</c> to every connection in the group.</summary>
    Task PushRecalledAsync(long groupId, MessageRecall recalled, CancellationToken cancellationToken);

    /// <summary>Puts every live connection of <paramref name="userIds"/>, on every node, into the group's SignalR group.</summary>
    Task JoinAsync(long groupId, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken);

    /// <summary>Takes every live connection of <paramref name="userIds"/>, on every node, out of the group's SignalR group.</summary>
    Task LeaveAsync(long groupId, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken);
}
