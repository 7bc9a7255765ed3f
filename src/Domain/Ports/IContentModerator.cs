namespace ImSignalR.Domain.Ports;

/// <summary>
/// Reviews the text of a send before anything of it is stored, logged or delivered (SPEC §11): the built-in word
/// list, an optional webhook, or both in turn.
/// </summary>
public interface IContentModerator
{
    /// <param name="fromUserId">The authenticated sender (for a webhook's policy; never logged with the content).</param>
    ValueTask<ModerationVerdict> ReviewAsync(string fromUserId, string content, CancellationToken cancellationToken);
}

public enum ModerationAction
{
    Allow,
    Reject,
    /// <summary>The send goes on with <see cref="ModerationVerdict.Content"/> instead.</summary>
    Mask,
}

public readonly record struct ModerationVerdict(ModerationAction Action, string? Content = null)
{
    public static ModerationVerdict Allowed { get; } = new(ModerationAction.Allow);

    public static ModerationVerdict Rejected { get; } = new(ModerationAction.Reject);

    public static ModerationVerdict Masked(string content) => new(ModerationAction.Mask, content);
}
