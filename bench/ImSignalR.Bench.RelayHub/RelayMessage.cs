namespace ImSignalR.Bench.RelayHub;

/// <summary>What <c>ReceiveC2C</c> carries: the fields of the real hub's message a receiver needs.</summary>
public sealed record RelayMessage(string MsgId, string ClientMsgId, string FromUserId, string ToUserId, string Content, long SendTime);
