using ImSignalR.Domain.Messaging;

namespace ImSignalR.Infrastructure.Redis.State;

/// <summary>What the retry queue stores per message (the hash value).</summary>
internal sealed record RetryPayload(ChatMessage Message, int Replays);
