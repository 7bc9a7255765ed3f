using ImSignalR.Contracts;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace ImSignalR.Bench.Micro;

/// <summary>The server's hottest message: one <c>ReceiveC2C</c> carrying a realistic message (100-char text).</summary>
internal static class ReceiveC2CInvocation
{
    public static InvocationMessage Create() => new(HubMethods.ReceiveC2C, [Message()]);

    private static ImMessage Message() => new()
    {
        MsgId = "7392019283746512384",
        ClientMsgId = "3f2b8c1e-9d4a-4b7e-8f6a-1c2d3e4f5a6b",
        ChatId = "c_user_100001_user_200002",
        Seq = 18342,
        FromUserId = "user_100001",
        ToUserId = "user_200002",
        Content = new string('x', 40) + " the quick brown fox jumps over the lazy dog, again!!".PadRight(60, '.'),
        MsgFormat = 1,
        Ext = null,
        SendTime = 1763805600123,
        Status = 1,
    };
}
