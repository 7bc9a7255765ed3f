using System.Globalization;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Services;

namespace ImSignalR.UnitTests.Domain;

public sealed class SendServiceTests
{
    private static SendRequest Request(string clientMsgId = "c1", string to = "bob", string content = "hi") =>
        new() { ClientMsgId = clientMsgId, ToUserId = to, Content = content, MsgFormat = 1 };

    [Fact]
    public async Task AnOnlineRecipientIsPushedAndScheduledForReplay()
    {
        var h = new ServiceHarness();
        await h.Presence.AddConnectionAsync("bob", "c-bob", default);
        await h.Presence.AddConnectionAsync("alice", "c-alice", default);
        await h.Presence.AddConnectionAsync("alice", "c-alice-laptop", default);

        var result = await h.Send.SendAsync("alice", Request(), "c-alice", default);

        Assert.Equal("c2c:alice:bob", result.ChatId);
        Assert.Equal(1, result.Seq);
        Assert.Single(h.Pusher.ToRecipient);
        Assert.Single(h.Pusher.ToSender);
        Assert.Equal(1, await h.Retry.CountAsync(default));
        Assert.IsType<MessageSent>(Assert.Single(h.Store.Applied));
    }

    [Fact]
    public async Task TheSendersCopyGoesOutOnlyWhenTheSenderHasAnotherDeviceOrSentWithoutAConnection()
    {
        var h = new ServiceHarness();
        await h.Presence.AddConnectionAsync("bob", "c-bob", default);
        await h.Presence.AddConnectionAsync("alice", "c-alice", default);

        await h.Send.SendAsync("alice", Request("only-device"), "c-alice", default);
        Assert.Empty(h.Pusher.ToSender);
        Assert.Single(h.Pusher.ToRecipient);

        // REST or a service (no sending connection): the copy reaches every device there is.
        await h.Send.SendAsync("alice", Request("rest"), null, default);
        Assert.Single(h.Pusher.ToSender);

        await h.Presence.AddConnectionAsync("alice", "c-alice-laptop", default);
        await h.Send.SendAsync("alice", Request("two-devices"), "c-alice", default);
        Assert.Equal(2, h.Pusher.ToSender.Count);
        Assert.Equal(3, h.Pusher.ToRecipient.Count);
    }

    [Fact]
    public async Task WithTheStoreAsTheLogAMessageToAnOfflineRecipientIsStoredOfflineInOneEvent()
    {
        var h = new ServiceHarness(new MessagingOptions { RetryDelays = [TimeSpan.FromSeconds(5)], StoreIsTheLog = true });
        var offline = await h.Send.SendAsync("alice", Request("to-offline"), null, default);
        await h.Presence.AddConnectionAsync("bob", "c-bob", default);
        var online = await h.Send.SendAsync("alice", Request("to-online"), null, default);

        var sent = h.Store.Applied.Cast<MessageSent>().ToList(); // no MessageOffline event at all
        Assert.Equal(2, sent.Count);
        Assert.Equal(MessageStatus.Offline, sent[0].Message.Status);
        Assert.Equal(MessageStatus.Reached, sent[1].Message.Status);
        Assert.Equal(MessageStatus.Offline, h.Store.Messages[long.Parse(offline.MsgId, System.Globalization.CultureInfo.InvariantCulture)].Status);
        Assert.Equal(MessageStatus.Reached, h.Store.Messages[long.Parse(online.MsgId, System.Globalization.CultureInfo.InvariantCulture)].Status);
        Assert.Single(h.Pusher.ToRecipient);
        Assert.Equal(1, await h.Retry.CountAsync(default));
    }

    [Fact]
    public async Task AnOfflineRecipientGetsAnOfflineMarkAndNoPushOrReplay()
    {
        var h = new ServiceHarness();
        var result = await h.Send.SendAsync("alice", Request(), null, default);

        Assert.Empty(h.Pusher.ToRecipient);
        Assert.Equal(0, await h.Retry.CountAsync(default));
        Assert.Collection(h.Store.Applied, e => Assert.IsType<MessageSent>(e), e => Assert.IsType<MessageOffline>(e));
        Assert.Equal(MessageStatus.Offline, h.Store.Messages[long.Parse(result.MsgId, System.Globalization.CultureInfo.InvariantCulture)].Status);
    }

    [Fact]
    public async Task WhenTheLogFailsNothingIsDeliveredAndTheClientMayRetryTheSameId()
    {
        var h = new ServiceHarness();
        await h.Presence.AddConnectionAsync("bob", "c-bob", default);
        h.Log.Down = true;

        var error = await Assert.ThrowsAsync<ImException>(() => h.Send.SendAsync("alice", Request(), null, default));
        Assert.True(error.IsRetriable);
        Assert.Empty(h.Pusher.ToRecipient);
        Assert.Equal(0, await h.Retry.CountAsync(default));

        h.Log.Down = false;
        var retried = await h.Send.SendAsync("alice", Request(), null, default);
        Assert.False(retried.Duplicate); // the failed attempt released its dedupe reservation
        Assert.Single(h.Pusher.ToRecipient);
    }

    [Fact]
    public async Task ADuplicateSendIsAnsweredFromTheCacheWithoutWritingAgain()
    {
        var h = new ServiceHarness();
        var first = await h.Send.SendAsync("alice", Request(), null, default);
        var again = await h.Send.SendAsync("alice", Request(content: "changed"), null, default);

        Assert.True(again.Duplicate);
        Assert.Equal(first.MsgId, again.MsgId);
        Assert.Single(h.Store.Applied.OfType<MessageSent>());
    }

    [Fact]
    public async Task ADuplicateTheStoreCatchesReturnsTheStoredMessage()
    {
        var h = new ServiceHarness();
        var stored = new ChatMessage(42, "c1", "c2c:alice:bob", 7, "alice", "bob", "hi", 1, null, 1000, MessageStatus.Reached);
        h.Store.Override = e => e is MessageSent ? AppendOutcome.DuplicateOf(stored) : null;

        var result = await h.Send.SendAsync("alice", Request(), null, default);

        Assert.True(result.Duplicate);
        Assert.Equal("42", result.MsgId);
        Assert.Equal(7, result.Seq);
        Assert.Empty(h.Pusher.ToRecipient);
    }

    [Fact]
    public async Task ASendTheLogMovedToAnotherSeqAnswersPushesDedupesAndReplaysTheStoredSeq()
    {
        var h = new ServiceHarness();
        await h.Presence.AddConnectionAsync("bob", "c-bob", default);
        // What the direct log does after a seq conflict: the same message, stored at a new seq.
        h.Log.Rewrite = e => e is MessageSent s ? new MessageSent(s.Message with { Seq = 42 }) : e;

        var result = await h.Send.SendAsync("alice", Request(), null, default);

        Assert.Equal(42, result.Seq);
        Assert.Equal(42, Assert.Single(h.Pusher.ToRecipient).Seq);
        var msgId = long.Parse(result.MsgId, CultureInfo.InvariantCulture);
        Assert.Equal(42, Assert.Single(await h.Retry.GetPendingAsync([msgId], default)).Seq);
        h.Log.Rewrite = null;
        var again = await h.Send.SendAsync("alice", Request(), null, default);
        Assert.True(again.Duplicate);
        Assert.Equal(42, again.Seq);
    }

    [Fact]
    public async Task ASendTheLogStoredUnderANewMsgIdIsReplayedUnderThatIdOnly()
    {
        var h = new ServiceHarness();
        await h.Presence.AddConnectionAsync("bob", "c-bob", default);
        long scheduledId = 0;
        // Its msgId was taken (two nodes minting from one node id): the log stored it under a new one.
        h.Log.Rewrite = e => e is MessageSent s ? new MessageSent(s.Message with { MsgId = (scheduledId = s.Message.MsgId) + 7, Seq = 9 }) : e;

        var result = await h.Send.SendAsync("alice", Request(), null, default);

        var storedId = long.Parse(result.MsgId, CultureInfo.InvariantCulture);
        Assert.Equal((scheduledId + 7, 9L), (storedId, result.Seq));
        Assert.Equal(result.MsgId, Assert.Single(h.Pusher.ToRecipient).MsgId);
        Assert.Equal(storedId, Assert.Single(await h.Retry.GetPendingAsync([scheduledId, storedId], default)).MsgId);
        Assert.Equal(1, await h.Retry.CountAsync(default));
    }

    [Fact]
    public async Task ASeqConflictThatReachesTheSendFailsItAndLeavesNoReplay()
    {
        var h = new ServiceHarness();
        await h.Presence.AddConnectionAsync("bob", "c-bob", default);
        // A log that breaks its contract and passes the store's refusal up: never answered accepted.
        h.Store.Override = e => e is MessageSent ? AppendOutcome.Conflict : null;

        await Assert.ThrowsAsync<InvalidOperationException>(() => h.Send.SendAsync("alice", Request(), null, default));

        Assert.Empty(h.Pusher.ToRecipient);
        Assert.Equal(0, await h.Retry.CountAsync(default));
    }

    [Fact]
    public async Task ConcurrentSendsInOneConversationGetDistinctIncreasingSeqs()
    {
        var h = new ServiceHarness();
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(i => h.Send.SendAsync("alice", Request($"c{i}"), null, default)));
        Assert.Equal(Enumerable.Range(1, 200).Select(i => (long)i), results.Select(r => r.Seq).Order());
        // Durable order equals seq order: the store received them in seq order.
        var applied = h.Store.Applied.OfType<MessageSent>().Select(s => s.Message.Seq).ToList();
        Assert.Equal(applied.Order(), applied);
    }

    [Theory]
    [InlineData(null, "bob", "hi", 1, "IM_INVALID_CLIENT_MSG_ID")]
    [InlineData("c1", "alice", "hi", 1, "IM_INVALID_RECIPIENT")]
    [InlineData("c1", "b b", "hi", 1, "IM_INVALID_USER_ID")]
    [InlineData("c1", "bob", "", 1, "IM_INVALID_ARGUMENT")]
    [InlineData("c1", "bob", "hi", null, "IM_INVALID_MSG_FORMAT")]
    [InlineData("c1", "bob", "hi", 99, "IM_INVALID_MSG_FORMAT")]
    [InlineData("c 1", "bob", "hi", 1, "IM_INVALID_CLIENT_MSG_ID")]
    public async Task InvalidRequestsAreRefusedWithTheirCodeAndWriteNothing(string? clientMsgId, string to, string content, int? format, string code)
    {
        var h = new ServiceHarness();
        var request = new SendRequest { ClientMsgId = clientMsgId, ToUserId = to, Content = content, MsgFormat = format };
        var error = await Assert.ThrowsAsync<ImException>(() => h.Send.SendAsync("alice", request, null, default));
        Assert.Equal(code, error.Code.ToWire());
        Assert.Empty(h.Store.Applied);
    }

    [Fact]
    public async Task TextThatIsNotValidUnicodeIsRefusedRatherThanStoredAltered()
    {
        // Not an InlineData: attribute strings are stored as UTF-8, which would replace the surrogate.
        var h = new ServiceHarness();
        var request = new SendRequest { ClientMsgId = "c1", ToUserId = "bob", Content = "a\ud800b", MsgFormat = 1 };
        var error = await Assert.ThrowsAsync<ImException>(() => h.Send.SendAsync("alice", request, null, default));
        Assert.Equal(ImErrorCode.InvalidArgument, error.Code);
        Assert.Empty(h.Store.Applied);
    }

    [Fact]
    public async Task ContentIsMeasuredInUtf8Bytes()
    {
        var h = new ServiceHarness(new() { MaxContentBytes = 9 });
        await h.Send.SendAsync("alice", Request("ok", content: "汉汉汉"), null, default); // 9 bytes
        var error = await Assert.ThrowsAsync<ImException>(() => h.Send.SendAsync("alice", Request("big", content: "汉汉汉a"), null, default));
        Assert.Equal(ImErrorCode.ContentTooLarge, error.Code);
    }
}
