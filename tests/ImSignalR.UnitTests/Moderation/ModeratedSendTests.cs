using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Moderation;
using ImSignalR.Domain.Ports;
using ImSignalR.UnitTests.Domain;

namespace ImSignalR.UnitTests.Moderation;

public sealed class ModeratedSendTests
{
    private static SendRequest Request(string content, int format = 1, string id = "c1") =>
        new() { ClientMsgId = id, ToUserId = "bob", Content = content, MsgFormat = format };

    [Fact]
    public async Task ARejectedTextIsRefusedForGoodAndNothingOfItIsStoredPushedOrReserved()
    {
        var h = new ServiceHarness(moderator: new Listed(TermMatcher.Build(["spam"]), mask: false));
        await h.Presence.AddConnectionAsync("bob", "c", default);

        var error = await Assert.ThrowsAsync<ImException>(() => h.Send.SendAsync("alice", Request("cheap SPAM"), null, default));

        Assert.Equal(ImErrorCode.ContentBlocked, error.Code);
        Assert.Equal("IM_CONTENT_BLOCKED", error.Code.ToWire());
        Assert.False(error.IsRetriable);
        Assert.Empty(h.Store.Messages);
        Assert.Empty(h.Pusher.ToRecipient);
        Assert.Equal(0, await h.Retry.CountAsync(default));
        Assert.False((await h.Send.SendAsync("alice", Request("fine now"), null, default)).Duplicate); // the key was never taken
    }

    [Fact]
    public async Task AMaskedTextIsStoredAndPushedMaskedAndOtherFormatsAreNotReviewed()
    {
        var h = new ServiceHarness(moderator: new Listed(TermMatcher.Build(["spam"]), mask: true));
        await h.Presence.AddConnectionAsync("bob", "c", default);

        await h.Send.SendAsync("alice", Request("no spam here"), null, default);
        await h.Send.SendAsync("alice", Request("https://x/spam.png", format: 2, id: "c2"), null, default);

        Assert.Equal(["no **** here", "https://x/spam.png"], h.Store.Messages.Values.OrderBy(m => m.Seq).Select(m => m.Content));
        Assert.Equal("no **** here", h.Pusher.ToRecipient.First().Content);
    }

    private sealed class Listed(TermMatcher matcher, bool mask) : IContentModerator
    {
        public ValueTask<ModerationVerdict> ReviewAsync(string fromUserId, string content, CancellationToken cancellationToken) =>
            ValueTask.FromResult(mask
                ? (matcher.Mask(content) is { } masked ? ModerationVerdict.Masked(masked) : ModerationVerdict.Allowed)
                : (matcher.Matches(content) ? ModerationVerdict.Rejected : ModerationVerdict.Allowed));
    }
}
