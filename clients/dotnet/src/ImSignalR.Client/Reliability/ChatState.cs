using ImSignalR.Contracts;

namespace ImSignalR.Client.Reliability;

/// <summary>What the inbox knows of one conversation. Guarded by the inbox's lock.</summary>
internal sealed class ChatState(string chatId)
{
    public string ChatId { get; } = chatId;

    /// <summary>False until a sync told us where this conversation stands (its seq baseline).</summary>
    public bool Known { get; set; }

    /// <summary>Every seq up to this one has been handed to the app (or was ours, or skipped for good).</summary>
    public long LastSeq { get; set; }

    /// <summary>A sync of this conversation is running; pushes wait in <see cref="Pending"/>.</summary>
    public bool Syncing { get; set; }

    /// <summary>Background syncs of this conversation that failed in a row; the next waits longer.</summary>
    public int SyncFailures { get; set; }

    /// <summary>Set while a sync waits out a hole: completed when buffered messages fill it, so the wait ends at once.</summary>
    public TaskCompletionSource? HoleFilled { get; set; }

    /// <summary>Seqs above <see cref="LastSeq"/> seen but not released yet: a message, or null for a
    /// message this client sent itself (it takes a seq but is not handed to the app).</summary>
    public SortedDictionary<long, ImMessage?> Pending { get; } = [];
}
