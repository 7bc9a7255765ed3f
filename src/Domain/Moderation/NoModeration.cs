using ImSignalR.Domain.Ports;

namespace ImSignalR.Domain.Moderation;

/// <summary>The moderator when none is configured: everything is allowed.</summary>
public sealed class NoModeration : IContentModerator
{
    public ValueTask<ModerationVerdict> ReviewAsync(string fromUserId, string content, CancellationToken cancellationToken) =>
        ValueTask.FromResult(ModerationVerdict.Allowed);
}
