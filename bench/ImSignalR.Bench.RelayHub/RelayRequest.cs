namespace ImSignalR.Bench.RelayHub;

/// <summary>The <c>Send</c> argument: the same shape as the real hub's <c>SendC2C</c> request.</summary>
public sealed record RelayRequest(string ClientMsgId, string ToUserId, string Content);
