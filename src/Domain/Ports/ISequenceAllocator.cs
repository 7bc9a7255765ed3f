namespace ImSignalR.Domain.Ports;

/// <summary>
/// Per-conversation sequence numbers (SPEC G3): strictly increasing, never reused — not after a
/// restart, not after Redis loses its data. Implementations seed a conversation from the store's
/// highest seq the first time they see it (or see its counter missing), so they can only jump forward.
/// </summary>
/// <remarks>Callers serialise calls per conversation (see <c>SendService</c>), so the order of
/// allocation is the order of durable appends within one node.</remarks>
public interface ISequenceAllocator
{
    ValueTask<long> NextAsync(string chatId, CancellationToken cancellationToken);

    /// <summary>The store holds <paramref name="storeMaxSeq"/> for <paramref name="chatId"/>: continue above it.</summary>
    ValueTask ReseedAsync(string chatId, long storeMaxSeq, CancellationToken cancellationToken);
}
