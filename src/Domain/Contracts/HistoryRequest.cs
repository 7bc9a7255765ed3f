namespace ImSignalR.Domain.Contracts;

/// <summary><c>GetHistory</c> argument: the page of messages just before <see cref="BeforeSeq"/> (newest page when absent).</summary>
public sealed class HistoryRequest
{
    public string? ChatId { get; init; }
    public long? BeforeSeq { get; init; }
    public int? Limit { get; init; }
}
