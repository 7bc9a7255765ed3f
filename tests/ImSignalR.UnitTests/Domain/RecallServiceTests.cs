using System.Globalization;
using System.Diagnostics.Metrics;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Services;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImSignalR.UnitTests.Domain;

public sealed class RecallServiceTests
{
    private static RecallService Recall(ServiceHarness h) =>
        new(h.Log, h.Store, h.Retry, h.Pusher, h.Options, new MessagingMetrics(new Meter("t" + Guid.NewGuid())), h.Time, NullLogger<RecallService>.Instance);

    private static async Task<SendResult> SendAsync(ServiceHarness h, string ext = "{\"k\":1}") =>
        await h.Send.SendAsync("alice", new SendRequest { ClientMsgId = Guid.NewGuid().ToString("N"), ToUserId = "bob", Content = "oops", MsgFormat = 1, Ext = ext }, null, default);

    [Fact]
    public async Task TheSenderRecallsWithinTheWindowTheRowAndSeqStayTheContentGoesAndBothSidesHear()
    {
        var h = new ServiceHarness();
        await h.Presence.AddConnectionAsync("bob", "b", default);
        var sent = await SendAsync(h);
        Assert.Equal(1, await h.Retry.CountAsync(default));

        var result = await Recall(h).RecallAsync("alice", new RecallRequest { MsgId = sent.MsgId }, default);

        Assert.Equal((sent.MsgId, sent.ChatId, sent.Seq), (result.MsgId, result.ChatId, result.Seq));
        var stored = h.Store.Messages[long.Parse(sent.MsgId, CultureInfo.InvariantCulture)];
        Assert.True(stored.Recalled);
        Assert.Equal("", stored.Content);
        Assert.Null(stored.Ext);
        Assert.Equal(sent.Seq, stored.Seq);
        var (to, recalled) = Assert.Single(h.Pusher.Recalled);
        Assert.Equal(["alice", "bob"], to);
        Assert.Equal(("alice", sent.Seq), (recalled.ByUserId, recalled.Seq));
        Assert.Equal(0, await h.Retry.CountAsync(default)); // the old content is never replayed
        Assert.Contains(h.Store.Applied, e => e is MessageRecalled);

        await Recall(h).RecallAsync("alice", new RecallRequest { MsgId = sent.MsgId }, default); // idempotent
        Assert.Single(h.Pusher.Recalled);
    }

    [Fact]
    public async Task OnlyTheSenderWithinTheWindowAndNobodyOutsideTheConversation()
    {
        var h = new ServiceHarness();
        var sent = await SendAsync(h);
        var recall = Recall(h);

        Assert.Equal(ImErrorCode.Forbidden, (await Assert.ThrowsAsync<ImException>(() => recall.RecallAsync("bob", new RecallRequest { MsgId = sent.MsgId }, default))).Code);
        Assert.Equal(ImErrorCode.NotFound, (await Assert.ThrowsAsync<ImException>(() => recall.RecallAsync("mallory", new RecallRequest { MsgId = sent.MsgId }, default))).Code);
        Assert.Equal(ImErrorCode.NotFound, (await Assert.ThrowsAsync<ImException>(() => recall.RecallAsync("alice", new RecallRequest { MsgId = "999" }, default))).Code);
        foreach (var bad in new[] { null, "", "-1", "abc", "1e3" })
        {
            Assert.Equal(ImErrorCode.InvalidMsgId, (await Assert.ThrowsAsync<ImException>(() => recall.RecallAsync("alice", new RecallRequest { MsgId = bad }, default))).Code);
        }
        h.Time.Advance(h.Options.RecallWindow + TimeSpan.FromMilliseconds(1));
        var late = await Assert.ThrowsAsync<ImException>(() => recall.RecallAsync("alice", new RecallRequest { MsgId = sent.MsgId }, default));
        Assert.Equal("IM_RECALL_WINDOW_PASSED", late.Code.ToWire());
        Assert.False(late.IsRetriable);
        Assert.False(h.Store.Messages[long.Parse(sent.MsgId, CultureInfo.InvariantCulture)].Recalled);
    }
}
