namespace ImSignalR.Bench.RelayHub;

/// <summary>What the relay's <c>ReceiveGroup</c> carries: the fields of the real hub's group message a member needs.</summary>
public sealed record RelayGroupMessage(string MsgId, string ClientMsgId, string GroupId, long Seq, string FromUserId, string Content, long SendTime);
