namespace ImSignalR.Client.Reliability;

/// <summary>Inbox tuning, taken from <see cref="ImChatClientOptions"/>.</summary>
internal sealed record InboxSettings
{
    public int DedupeCapacity { get; init; } = 10_000;

    public int SyncPageSize { get; init; } = 200;

    /// <summary>Waits before fetching a hole again; after the last one the hole is skipped.</summary>
    public TimeSpan[] HoleRetryDelays { get; init; } = [TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(300), TimeSpan.FromSeconds(1)];

    /// <summary>Full-sync rounds when the server says more undelivered messages wait than fit a page.</summary>
    public int MaxResyncRounds { get; init; } = 20;
}
