using ImSignalR.Domain.Messaging;

namespace ImSignalR.Redis.State;

/// <summary>What the retry queue stores per message (the hash value).</summary>
internal sealed record RetryPayload(ChatMessage Message, int Replays);
