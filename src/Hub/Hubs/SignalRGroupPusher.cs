using System.Globalization;
using ImSignalR.Contracts;
using ImSignalR.Domain.Ports;
using Microsoft.AspNetCore.SignalR;

namespace ImSignalR.Hub.Hubs;

/// <summary>
/// Group pushes through one SignalR group per ImSignalR group (<see cref="GroupName"/>): with the Redis backplane a
/// message is one publish on the group's channel, whatever the member count and the nodes. Membership follows the
/// store: a connection joins its user's groups when it connects, and a change moves the user's live connections,
/// found cluster-wide by presence, in or out (the backplane forwards a group command to the node holding the
/// connection and waits for its ack).
/// </summary>
internal sealed class SignalRGroupPusher : IGroupPusher
{
    /// <summary>Connections asked of presence per user: the per-user limit plus the ones being refused.</summary>
    private const int MaxConnectionsPerUser = 64;

    private readonly IHubContext<ChatHub, IChatClient> _hub;
    private readonly IPresence _presence;

    public SignalRGroupPusher(IHubContext<ChatHub, IChatClient> hub, IPresence presence)
    {
        _hub = hub;
        _presence = presence;
    }

    public static string GroupName(long groupId) => "grp:" + groupId.ToString(CultureInfo.InvariantCulture);

    public Task PushMessageAsync(long groupId, ImMessage message, string? exceptConnectionId, CancellationToken cancellationToken) =>
        SignalRMessagePusher.Bounded(exceptConnectionId is null
            ? _hub.Clients.Group(GroupName(groupId)).ReceiveGroup(message)
            : _hub.Clients.GroupExcept(GroupName(groupId), exceptConnectionId).ReceiveGroup(message));

    public Task PushReadAsync(long groupId, GroupReadNotice read, CancellationToken cancellationToken) =>
        SignalRMessagePusher.Bounded(_hub.Clients.Group(GroupName(groupId)).GroupRead(read));

    public Task PushRecalledAsync(long groupId, MessageRecall recalled, CancellationToken cancellationToken) =>
        SignalRMessagePusher.Bounded(_hub.Clients.Group(GroupName(groupId)).MessageRecalled(recalled));

    public Task JoinAsync(long groupId, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken) =>
        MoveAsync(groupId, userIds, join: true, cancellationToken);

    public Task LeaveAsync(long groupId, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken) =>
        MoveAsync(groupId, userIds, join: false, cancellationToken);

    private async Task MoveAsync(long groupId, IReadOnlyCollection<string> userIds, bool join, CancellationToken cancellationToken)
    {
        var group = GroupName(groupId);
        var moves = new List<Task>();
        foreach (var userId in userIds)
        {
            var connections = await _presence.ListConnectionsAsync(userId, MaxConnectionsPerUser, cancellationToken).ConfigureAwait(false);
            foreach (var connection in connections)
            {
                moves.Add(join
                    ? _hub.Groups.AddToGroupAsync(connection.ConnectionId, group, cancellationToken)
                    : _hub.Groups.RemoveFromGroupAsync(connection.ConnectionId, group, cancellationToken));
            }
        }
        await Task.WhenAll(moves).ConfigureAwait(false);
    }
}
