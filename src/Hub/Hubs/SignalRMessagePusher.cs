using ImSignalR.Domain.Contracts;
using ImSignalR.Domain.Ports;
using Microsoft.AspNetCore.SignalR;

namespace ImSignalR.Hub.Hubs;

/// <summary>
/// Pushes through SignalR to a user's group (<see cref="ChatHub.UserGroup"/>), which reaches every
/// connection of the user on every node once the Redis backplane replaces the default lifetime manager;
/// nothing here knows which is in use.
/// </summary>
internal sealed class SignalRMessagePusher : IMessagePusher
{
    private readonly IHubContext<ChatHub, IChatClient> _hub;

    public SignalRMessagePusher(IHubContext<ChatHub, IChatClient> hub)
    {
        _hub = hub;
    }

    public Task PushToRecipientAsync(MessageDto message, CancellationToken cancellationToken) =>
        _hub.Clients.Group(ChatHub.UserGroup(message.ToUserId)).ReceiveC2C(message);

    public Task PushToSenderDevicesAsync(MessageDto message, string? exceptConnectionId, CancellationToken cancellationToken) =>
        exceptConnectionId is null
            ? _hub.Clients.Group(ChatHub.UserGroup(message.FromUserId)).ReceiveC2C(message)
            : _hub.Clients.GroupExcept(ChatHub.UserGroup(message.FromUserId), exceptConnectionId).ReceiveC2C(message);

    public async Task PushStatusAsync(string senderUserId, IReadOnlyList<MessageStatusEvent> events, CancellationToken cancellationToken)
    {
        var sender = _hub.Clients.Group(ChatHub.UserGroup(senderUserId));
        foreach (var status in events)
        {
            await sender.MessageStatus(status).ConfigureAwait(false);
        }
    }
}
