using ImSignalR.Domain.Ports;

namespace ImSignalR.Hub.Moderation;

/// <summary>The word list first (cheap, local), then the webhook on what the list let through (masked text included).</summary>
internal sealed class ChainedModerator(IReadOnlyList<IContentModerator> moderators) : IContentModerator
{
    public async ValueTask<ModerationVerdict> ReviewAsync(string fromUserId, string content, CancellationToken cancellationToken)
    {
        var verdict = ModerationVerdict.Allowed;
        foreach (var moderator in moderators)
        {
            var next = await moderator.ReviewAsync(fromUserId, verdict.Content ?? content, cancellationToken).ConfigureAwait(false);
            if (next.Action == ModerationAction.Reject)
            {
                return next;
            }
            if (next.Action == ModerationAction.Mask)
            {
                verdict = next;
            }
        }
        return verdict;
    }
}
