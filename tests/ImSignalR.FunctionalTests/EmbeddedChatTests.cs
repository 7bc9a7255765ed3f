using ImSignalR.Client;
using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests;

/// <summary>Issue 2 acceptance: the embedded node end to end over real WebSockets with the .NET SDK.</summary>
public sealed class EmbeddedChatTests(UnthrottledHubFixture fixture) : IClassFixture<UnthrottledHubFixture>
{
    private HubProcess Hub => fixture.Hub;

    [Fact]
    public async Task OnlineRecipientGetsThePushAndTheSenderSeesDeliveredThenRead()
    {
        await using var alice = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("alice"));
        await using var bob = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("bob"));

        var sent = await alice.SendAsync(bob.UserId, "hello bob");
        Assert.False(sent.Duplicate);
        Assert.Equal(1, sent.Seq);

        await Eventually.TrueAsync(() => bob.Received.Count == 1, "bob receives the message");
        var pushed = bob.Received.Single();
        Assert.Equal(sent.MsgId, pushed.MsgId);
        Assert.Equal(sent.Seq, pushed.Seq);
        Assert.Equal(alice.UserId, pushed.FromUserId);
        Assert.Equal("hello bob", pushed.Content);

        Assert.Equal(1, (await bob.Client.AckAsync([sent.MsgId], "Delivered")).Acked);
        await Eventually.TrueAsync(() => alice.Statuses.Count == 1, "alice sees Delivered");
        Assert.Equal(1, (await bob.Client.MarkReadAsync([sent.MsgId])).Acked);
        await Eventually.TrueAsync(() => alice.Statuses.Count == 2, "alice sees Read");
        Assert.Equal(["Delivered", "Read"], alice.Statuses.Select(s => s.Status));
        Assert.All(alice.Statuses, s => Assert.Equal(bob.UserId, s.ByUserId));

        // A late Delivered ack must not lower Read, and is no news to the sender.
        await bob.Client.AckAsync([sent.MsgId], "Delivered");
        var stored = (await bob.Client.SyncAsync(sent.ChatId, 0)).Messages.Single();
        Assert.Equal(4, stored.Status);
        var conversation = (await bob.Client.GetConversationsAsync()).Single(c => c.ChatId == sent.ChatId);
        Assert.Equal(1, conversation.ReadSeq);
        Assert.Equal(0, conversation.Unread);
        await Task.Delay(300);
        Assert.Equal(2, alice.Statuses.Count);
    }

    [Fact]
    public async Task ResendWithTheSameClientMsgIdReturnsTheFirstResultAndDeliversNothingNew()
    {
        await using var alice = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("alice"));
        await using var bob = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("bob"));

        var first = await alice.SendAsync(bob.UserId, "once", clientMsgId: "cm-1");
        var again = await alice.SendAsync(bob.UserId, "once", clientMsgId: "cm-1");

        Assert.False(first.Duplicate);
        Assert.True(again.Duplicate);
        Assert.Equal(first.MsgId, again.MsgId);
        Assert.Equal(first.Seq, again.Seq);
        await Eventually.TrueAsync(() => bob.Received.Count >= 1, "the first push");
        await bob.Client.AckAsync([first.MsgId]);
        await Task.Delay(500);
        Assert.Single(bob.Received);
        Assert.Single((await bob.Client.SyncAsync(first.ChatId, 0)).Messages);
    }

    [Fact]
    public async Task OfflineRecipientSyncsAllFiftyInSeqOrderAndNothingIsReplayedAfterAcks()
    {
        var bobId = HubFixture.NewUser("bob");
        await using var alice = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("alice"));
        var results = new List<ImSignalR.Contracts.SendResult>();
        for (var i = 0; i < 50; i++)
        {
            results.Add(await alice.SendAsync(bobId, $"m{i}"));
        }

        await using var bob = await RecordingClient.ConnectAsync(Hub, bobId);
        var sync = await bob.Client.SyncAsync();
        Assert.Equal(50, sync.Messages.Count);
        Assert.False(sync.HasMore);
        Assert.Equal(results.Select(r => r.Seq), sync.Messages.Select(m => m.Seq));
        Assert.Equal(Enumerable.Range(1, 50).Select(i => (long)i), sync.Messages.Select(m => m.Seq));
        Assert.Equal(50, sync.MaxSeqByChat[results[0].ChatId]);

        await bob.Client.AckAsync(sync.Messages.Select(m => m.MsgId).ToArray());
        Assert.Empty((await bob.Client.SyncAsync()).Messages);
        // Offline messages are not in the retry queue, and acked ones never are: nothing is pushed.
        await Task.Delay(2500);
        Assert.Empty(bob.Received);
    }

    [Fact]
    public async Task UnackedMessageIsReplayedWithBackoffUntilTheBudgetAndStaysSyncable()
    {
        await using var alice = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("alice"));
        await using var bob = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("bob"));
        var arrivals = new List<DateTime>();
        bob.Client.MessageReceived += _ =>
        {
            lock (arrivals)
            {
                arrivals.Add(DateTime.UtcNow);
            }
            return Task.CompletedTask;
        };

        var sendStarted = DateTime.UtcNow;
        var sent = await alice.SendAsync(bob.UserId, "ack me");
        // Delays 1,1,1: the push plus three replays, about a second apart.
        await Eventually.TrueAsync(() => bob.Received.Count == 4, "the push and three replays", TimeSpan.FromSeconds(20));
        await Task.Delay(2500);
        Assert.Equal(4, bob.Received.Count);
        Assert.All(bob.Received, m => Assert.Equal(sent.MsgId, m.MsgId));
        lock (arrivals)
        {
            // The backoff is a lower bound that load cannot shorten: replay i is due i seconds after
            // the send at the earliest (50 ms for clock granularity).
            for (var i = 1; i < arrivals.Count; i++)
            {
                var earliest = sendStarted + TimeSpan.FromSeconds(i) - TimeSpan.FromMilliseconds(50);
                Assert.True(arrivals[i] >= earliest, $"replay {i} came {(arrivals[i] - sendStarted).TotalMilliseconds:F0} ms after the send");
            }
        }

        var sync = await bob.Client.SyncAsync();
        var pending = Assert.Single(sync.Messages, m => m.MsgId == sent.MsgId);
        Assert.Equal(2, pending.Status); // offline mark after the budget: not lost, not delivered
    }

    [Fact]
    public async Task MultiDeviceSenderGetsItsOwnMessageOnItsOtherDevice()
    {
        var aliceId = HubFixture.NewUser("alice");
        await using var phone = await RecordingClient.ConnectAsync(Hub, aliceId);
        await using var laptop = await RecordingClient.ConnectAsync(Hub, aliceId);
        await using var bob = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("bob"));

        var sent = await phone.SendAsync(bob.UserId, "from my phone");

        await Eventually.TrueAsync(() => laptop.Received.Count == 1, "the laptop gets the copy");
        Assert.Equal(sent.MsgId, laptop.Received.Single().MsgId);
        await Task.Delay(300);
        Assert.Empty(phone.Received);
    }

    [Fact]
    public async Task HistoryPagesBackwardsInSeqOrder()
    {
        await using var alice = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("alice"));
        var bobId = HubFixture.NewUser("bob");
        string chatId = "";
        for (var i = 0; i < 25; i++)
        {
            chatId = (await alice.SendAsync(bobId, $"h{i}")).ChatId;
        }

        var newest = await alice.Client.GetHistoryAsync(chatId, limit: 10);
        Assert.True(newest.HasMore);
        Assert.Equal(Enumerable.Range(16, 10).Select(i => (long)i), newest.Messages.Select(m => m.Seq));
        var older = await alice.Client.GetHistoryAsync(chatId, beforeSeq: 16, limit: 10);
        Assert.Equal(Enumerable.Range(6, 10).Select(i => (long)i), older.Messages.Select(m => m.Seq));
        var oldest = await alice.Client.GetHistoryAsync(chatId, beforeSeq: 6, limit: 10);
        Assert.False(oldest.HasMore);
        Assert.Equal(Enumerable.Range(1, 5).Select(i => (long)i), oldest.Messages.Select(m => m.Seq));
    }

    [Fact]
    public async Task ConversationsListUnreadCountsFromReadSeq()
    {
        await using var alice = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("alice"));
        await using var bob = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("bob"));
        var sends = new List<ImSignalR.Contracts.SendResult>();
        for (var i = 0; i < 5; i++)
        {
            sends.Add(await alice.SendAsync(bob.UserId, $"u{i}"));
        }
        await bob.Client.MarkReadAsync([sends[2].MsgId]);

        var conversation = (await bob.Client.GetConversationsAsync()).Single();
        Assert.Equal(alice.UserId, conversation.PeerUserId);
        Assert.Equal(5, conversation.LastSeq);
        Assert.Equal(3, conversation.ReadSeq);
        Assert.Equal(2, conversation.Unread);
        Assert.Equal(sends[4].MsgId, conversation.LastMessage!.MsgId);
        var aliceView = (await alice.Client.GetConversationsAsync()).Single();
        Assert.Equal(0, aliceView.Unread); // her own messages are never unread for her
    }
}
