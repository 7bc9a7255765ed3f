using Microsoft.AspNetCore.SignalR;

namespace ImSignalR.Bench.RelayHub;

/// <summary>Forwards a message to the recipient's connections and returns; nothing is stored.</summary>
internal sealed class RelayHub : Hub
{
    private static long _nextId;
    private static long _nextGroupSeq;

    public async Task<string> Send(RelayRequest request)
    {
        // An id per push, as the real hub assigns one, so receivers count both alike.
        var msgId = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var message = new RelayMessage(msgId, request.ClientMsgId, Context.UserIdentifier ?? "", request.ToUserId, request.Content, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await Clients.User(request.ToUserId).SendAsync("ReceiveC2C", message, Context.ConnectionAborted);
        return msgId;
    }

    /// <summary>The group scenario's members join a plain SignalR group; with the Redis backplane it spans the relay nodes.</summary>
    public Task JoinGroup(string groupId) => Groups.AddToGroupAsync(Context.ConnectionId, "g:" + groupId, Context.ConnectionAborted);

    /// <summary>
    /// One publish to the group's other connections, as the real hub pushes a group message (the sending connection
    /// excluded). The seq is per process: the scenario has one sender, so it is the group's order.
    /// </summary>
    public async Task<string> SendGroup(RelayGroupRequest request)
    {
        var msgId = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var message = new RelayGroupMessage(msgId, request.ClientMsgId, request.GroupId, Interlocked.Increment(ref _nextGroupSeq),
            Context.UserIdentifier ?? "", request.Content, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await Clients.OthersInGroup("g:" + request.GroupId).SendAsync("ReceiveGroup", message, Context.ConnectionAborted);
        return msgId;
    }
}
