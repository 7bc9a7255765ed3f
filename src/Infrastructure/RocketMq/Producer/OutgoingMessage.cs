namespace ImSignalR.Infrastructure.RocketMq.Producer;

/// <param name="ShardingKey">Messages with the same key go to the same queue (stable hash), so they stay in order.</param>
internal sealed record OutgoingMessage(string Topic, ReadOnlyMemory<byte> Body, string? Tags, string? Keys, string ShardingKey);
