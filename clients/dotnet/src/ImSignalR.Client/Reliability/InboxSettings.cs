namespace ImSignalR.Client.Reliability;

/// <summary>Inbox tuning, taken from <see cref="ImChatClientOptions"/>.</summary>
internal sealed record InboxSettings
{
    public int DedupeCapacity { get; init; } = 10_000;

    public int SyncPageSize { get; init; } = 200;

    /// <summary>The default of <see cref="HoleRetryDelays"/>: about 1.25 s in all, long enough for a commit racing
    /// on another node, short enough that a real seq jump holds the conversation back only briefly.</summary>
    internal static readonly TimeSpan[] DefaultHoleRetryDelays = [TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(1)];

    /// <summary>Waits before fetching a hole again (a push or page filling it ends the wait at once); after the
    /// last one the hole is skipped as a seq jump.</summary>
    public TimeSpan[] HoleRetryDelays { get; init; } = DefaultHoleRetryDelays;

    /// <summary>Full-sync rounds when the server says more undelivered messages wait than fit a page.</summary>
    public int MaxResyncRounds { get; init; } = 20;
}
