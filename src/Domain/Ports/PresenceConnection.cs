namespace ImSignalR.Domain.Ports;

/// <summary>One live connection as presence knows it (SPEC §12 admin listing).</summary>
/// <param name="NodeId">The node instance holding it (in cluster mode the Redis lease owner, unique per process).</param>
/// <param name="ConnectedAt">Unix ms of the connect; 0 for an entry written before this field existed.</param>
/// <param name="Transport">SignalR transport, or null when unknown.</param>
/// <param name="Protocol">Hub protocol, or null when unknown.</param>
public sealed record PresenceConnection(string ConnectionId, string NodeId, long ConnectedAt, string? Transport, string? Protocol);
