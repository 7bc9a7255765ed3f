namespace ImSignalR.Bench;

/// <summary>The fields of a <c>ReceiveC2C</c> push the load generator reads (real hub and relay alike).</summary>
internal sealed record BenchMessage(string MsgId, string ClientMsgId, string Content);
