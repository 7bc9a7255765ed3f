using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Services;

namespace ImSignalR.Domain.Moderation;

/// <summary>
/// Wraps the configured moderator and counts every verdict that refused or masked a send into the daily
/// statistics (<see cref="ModerationHitCounter"/>), wherever the moderator is used — the same hits the
/// <c>im.moderation.hits</c> metric counts.
/// </summary>
public sealed class CountingModerator(IContentModerator inner, ModerationHitCounter hits) : IContentModerator
{
    public async ValueTask<ModerationVerdict> ReviewAsync(string fromUserId, string content, CancellationToken cancellationToken)
    {
        var verdict = await inner.ReviewAsync(fromUserId, content, cancellationToken).ConfigureAwait(false);
        if (verdict.Action is ModerationAction.Reject or ModerationAction.Mask)
        {
            hits.Add();
        }
        return verdict;
    }
}
