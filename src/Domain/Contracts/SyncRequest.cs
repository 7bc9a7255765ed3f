namespace ImSignalR.Domain.Contracts;

/// <summary><c>SyncMessages</c> argument. Without <see cref="ChatId"/>: every message to the caller
/// that is not yet delivered, plus the newest seq of each of the caller's conversations.</summary>
public sealed class SyncRequest
{
    public string? ChatId { get; init; }
    public long? AfterSeq { get; init; }
    public int? Limit { get; init; }
}
