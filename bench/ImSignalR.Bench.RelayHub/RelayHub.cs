using Microsoft.AspNetCore.SignalR;

namespace ImSignalR.Bench.RelayHub;

/// <summary>Forwards a message to the recipient's connections and returns; nothing is stored.</summary>
internal sealed class RelayHub : Hub
{
    private static long _nextId;

    public async Task<string> Send(RelayRequest request)
    {
        // An id per push, as the real hub assigns one, so receivers count both alike.
        var msgId = Interlocked.Increment(ref _nextId).ToString(System.Globalization.CultureInfo.InvariantCulture);
        var message = new RelayMessage(msgId, request.ClientMsgId, Context.UserIdentifier ?? "", request.ToUserId, request.Content, DateTimeOffset.UtcNow.ToUnixTimeMilliseconds());
        await Clients.User(request.ToUserId).SendAsync("ReceiveC2C", message, Context.ConnectionAborted);
        return msgId;
    }
}
