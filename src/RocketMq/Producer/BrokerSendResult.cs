namespace ImSignalR.RocketMq.Producer;

/// <param name="MsgId">The client UNIQ_KEY (Java <c>SendResult.msgId</c>).</param>
/// <param name="OffsetMsgId">The broker's offset id (response <c>msgId</c>).</param>
/// <param name="Status">SEND_OK (0), or a flush/slave timeout code when those are accepted.</param>
// Public (issue 15) only so samples/ServiceClient can use this client without InternalsVisibleTo; not a supported API.
public sealed record BrokerSendResult(string MsgId, string? OffsetMsgId, MessageQueue Queue, long QueueOffset, int Status);
