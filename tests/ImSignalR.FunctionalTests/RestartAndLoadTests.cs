using System.Collections.Concurrent;
using System.Diagnostics;
using ImSignalR.Contracts;
using ImSignalR.FunctionalTests.Infrastructure;
using Xunit.Abstractions;

namespace ImSignalR.FunctionalTests;

/// <summary>Issue 2 acceptance: durability across a crash, and correctness under concurrent load.</summary>
public sealed class RestartAndLoadTests(ITestOutputHelper output)
{
    [Fact]
    public async Task AcceptedSendsSurviveAKillAndSeqsContinueWithoutRepeating()
    {
        await using var hub = await HubProcess.StartAsync(new Dictionary<string, string> { ["Im__Limits__SendsPerSecond"] = "10000", ["Im__Limits__SendBurst"] = "10000" });
        var bobId = HubFixture.NewUser("bob");
        var aliceId = HubFixture.NewUser("alice");
        var accepted = new List<SendResult>();
        await using (var alice = await RecordingClient.ConnectAsync(hub, aliceId))
        {
            for (var i = 0; i < 100; i++)
            {
                accepted.Add(await alice.SendAsync(bobId, $"before {i}", clientMsgId: $"b{i}"));
            }
        }

        hub.Kill(); // SIGKILL: no graceful flush; only what was durable survives
        await hub.StartAsync();

        await using var bob = await RecordingClient.ConnectAsync(hub, bobId);
        var chatId = accepted[0].ChatId;
        var synced = new List<ImMessage>();
        SyncResult page;
        do
        {
            page = await bob.Client.SyncAsync(chatId, synced.Count == 0 ? 0 : synced[^1].Seq, 200);
            synced.AddRange(page.Messages);
        }
        while (page.HasMore);
        Assert.Equal(accepted.Select(a => a.MsgId), synced.Select(m => m.MsgId));

        await using var alice2 = await RecordingClient.ConnectAsync(hub, aliceId);
        // A resend after the restart is still recognised (the store's unique key; the cache is empty).
        var resent = await alice2.SendAsync(bobId, "before 7", clientMsgId: "b7");
        Assert.True(resent.Duplicate);
        Assert.Equal(accepted[7].MsgId, resent.MsgId);
        var next = await alice2.SendAsync(bobId, "after");
        // The resend may have taken a seq before the store recognised it: a jump is allowed, a repeat is not (G3).
        Assert.True(next.Seq > 100, $"seq {next.Seq} must continue above 100");
        var after = await bob.Client.SyncAsync(chatId, 100);
        Assert.Equal([next.MsgId], after.Messages.Select(m => m.MsgId));
    }

    [Fact]
    public async Task TwoHundredConcurrentSendersAreStoredOnceDeliveredAndStrictlyOrdered()
    {
        const int senders = 200;
        const int perSender = 50;
        const int receivers = 20;
        await using var hub = await HubProcess.StartAsync(new Dictionary<string, string>
        {
            ["Im__Limits__SendsPerSecond"] = "100000",
            ["Im__Limits__SendBurst"] = "100000",
            ["Im__Limits__MaxConnectionsPerUser"] = "5",
        });
        var run = Guid.NewGuid().ToString("N")[..8];
        var receiverClients = new List<RecordingClient>();
        for (var r = 0; r < receivers; r++)
        {
            var client = await RecordingClient.ConnectAsync(hub, $"rcv{r}-{run}");
            client.Client.MessageReceived += m => client.Client.AckAsync([m.MsgId]);
            receiverClients.Add(client);
        }
        var senderClients = await Task.WhenAll(Enumerable.Range(0, senders).Select(s => RecordingClient.ConnectAsync(hub, $"snd{s}-{run}")));

        var results = new ConcurrentBag<SendResult>();
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(senderClients.Select((sender, s) => Task.Run(async () =>
        {
            for (var i = 0; i < perSender; i++)
            {
                results.Add(await sender.SendAsync($"rcv{s % receivers}-{run}", $"{s}:{i}", clientMsgId: $"{s}-{i}"));
            }
        })));
        clock.Stop();
        var rate = senders * perSender / clock.Elapsed.TotalSeconds;
        output.WriteLine($"accepted {senders * perSender} messages in {clock.Elapsed.TotalSeconds:F2} s = {rate:F0} msg/s");
        Console.WriteLine($"[figure] embedded 200x50 concurrent sends: {rate:F0} msg/s accepted");

        Assert.Equal(senders * perSender, results.Count);
        Assert.Equal(senders * perSender, results.Select(r => r.MsgId).Distinct().Count());
        foreach (var chat in results.GroupBy(r => r.ChatId))
        {
            // One sender per conversation, sequential sends: seqs are exactly 1..50.
            Assert.Equal(Enumerable.Range(1, perSender).Select(i => (long)i), chat.Select(r => r.Seq).Order());
        }

        await Eventually.TrueAsync(() => receiverClients.Sum(c => c.Received.Select(m => m.MsgId).Distinct().Count()) == senders * perSender,
            "every message pushed", TimeSpan.FromSeconds(60));
        foreach (var receiver in receiverClients)
        {
            foreach (var chat in receiver.Received.GroupBy(m => m.ChatId))
            {
                var stored = await receiver.Client.SyncAsync(chat.Key, 0, 200);
                Assert.Equal(perSender, stored.Messages.Count);
                Assert.Equal(Enumerable.Range(1, perSender).Select(i => (long)i), stored.Messages.Select(m => m.Seq));
                Assert.Equal(stored.Messages.Select(m => m.MsgId).Order(), chat.Select(m => m.MsgId).Distinct().Order());
            }
        }

        foreach (var client in senderClients.Concat(receiverClients))
        {
            await client.DisposeAsync();
        }
    }
}
