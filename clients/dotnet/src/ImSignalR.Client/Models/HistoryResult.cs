namespace ImSignalR.Client.Models;

/// <summary>The <c>GetHistory</c> result.</summary>
public sealed record HistoryResult
{
    /// <summary>Messages, ascending seq.</summary>
    public required IReadOnlyList<ImMessage> Messages { get; init; }
    /// <summary>Older messages exist.</summary>
    public required bool HasMore { get; init; }
}
