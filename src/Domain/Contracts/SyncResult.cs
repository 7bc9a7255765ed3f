namespace ImSignalR.Domain.Contracts;

/// <summary><c>SyncMessages</c> result, messages in ascending seq order per conversation.</summary>
public sealed class SyncResult
{
    public required IReadOnlyList<MessageDto> Messages { get; init; }
    public required bool HasMore { get; init; }
    /// <summary>Newest accepted seq per conversation, so a client can see which conversations it lags in.</summary>
    public required IReadOnlyDictionary<string, long> MaxSeqByChat { get; init; }
}
