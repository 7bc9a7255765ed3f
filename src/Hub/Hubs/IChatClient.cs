using ImSignalR.Domain.Contracts;

namespace ImSignalR.Hub.Hubs;

/// <summary>Server-to-client events (SPEC §3.4). Method names are the wire targets.</summary>
internal interface IChatClient
{
    Task ReceiveC2C(MessageDto message);

    Task MessageStatus(MessageStatusEvent status);
}
