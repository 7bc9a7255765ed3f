namespace ImSignalR.RocketMq.Producer;

/// <param name="ShardingKey">Messages with the same key go to the same queue (stable hash), so they stay in order.</param>
/// <param name="Properties">User properties (SPEC §13: <c>request_id</c>, <c>response_type</c>, <c>event_type</c>, …); empty values are dropped.</param>
/// <param name="BornTimestamp">The message's born time (epoch ms); null = now.</param>
// Public (issue 15) only so samples/ServiceClient can use this client without InternalsVisibleTo; not a supported API.
public sealed record OutgoingMessage(
    string Topic,
    ReadOnlyMemory<byte> Body,
    string? Tags,
    string? Keys,
    string ShardingKey,
    IReadOnlyList<KeyValuePair<string, string?>>? Properties = null,
    long? BornTimestamp = null);
