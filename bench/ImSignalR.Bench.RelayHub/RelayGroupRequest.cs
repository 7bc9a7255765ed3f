namespace ImSignalR.Bench.RelayHub;

/// <summary>The <c>SendGroup</c> argument: the fields of the real hub's <c>SendGroup</c> request the relay needs.</summary>
public sealed record RelayGroupRequest(string ClientMsgId, string GroupId, string Content);
