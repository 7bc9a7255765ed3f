namespace ImSignalR.Client.Models;

/// <summary>The <c>SyncMessages</c> result.</summary>
public sealed record SyncResult
{
    /// <summary>Messages, ascending seq per conversation.</summary>
    public required IReadOnlyList<ImMessage> Messages { get; init; }
    /// <summary>More messages are waiting: call again.</summary>
    public required bool HasMore { get; init; }
    /// <summary>Newest seq per conversation.</summary>
    public required IReadOnlyDictionary<string, long> MaxSeqByChat { get; init; }
}
