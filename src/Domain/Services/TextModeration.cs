using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Domain.Services;

/// <summary>
/// The moderation step of every send (C2C and group, SPEC §11): text only, before the dedupe key and before anything
/// is written, so a refused message is never stored, delivered or logged; a masked one is checked against the limit again.
/// </summary>
internal static class TextModeration
{
    /// <returns>The content to send: as given, or masked.</returns>
    public static async ValueTask<string> ReviewAsync(IContentModerator moderator, MessagingMetrics metrics, int maxContentBytes,
        string fromUserId, string content, int msgFormat, CancellationToken cancellationToken)
    {
        if (msgFormat != MsgFormats.Text)
        {
            return content;
        }
        var verdict = await moderator.ReviewAsync(fromUserId, content, cancellationToken).ConfigureAwait(false);
        switch (verdict.Action)
        {
            case ModerationAction.Reject:
                metrics.ModerationHits.Add(1, new KeyValuePair<string, object?>("action", "reject"));
                throw new ImException(ImErrorCode.ContentBlocked, "The content was refused by moderation.");
            case ModerationAction.Mask:
                metrics.ModerationHits.Add(1, new KeyValuePair<string, object?>("action", "mask"));
                TextLimits.Check(verdict.Content!, "content", maxContentBytes, ImErrorCode.ContentTooLarge);
                return verdict.Content!;
            default:
                return content;
        }
    }
}
