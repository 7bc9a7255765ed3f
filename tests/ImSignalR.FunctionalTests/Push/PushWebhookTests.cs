using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests.Push;

/// <summary>
/// Issue 20 acceptance for the offline push hook: a real hub process calls a webhook served by the
/// test; each call's signature is checked against the secret independently of the hub's code.
/// </summary>
public sealed class PushWebhookTests
{
    private const string Secret = "push-hook-test-secret-0123456789-abcdefghij";

    private static Dictionary<string, string> Settings(Uri webhook, bool preview, string batchDelay = "00:00:00.050") => new()
    {
        ["Im__Limits__SendsPerSecond"] = "100000",
        ["Im__Limits__SendBurst"] = "100000",
        ["Im__Retry__DelaysSeconds"] = "1",
        ["Im__Retry__SweepInterval"] = "00:00:00.100",
        ["Im__Push__WebhookUrl"] = webhook.ToString(),
        ["Im__Push__Secret"] = Secret,
        ["Im__Push__IncludePreview"] = preview ? "true" : "false",
        ["Im__Push__BatchMaxDelay"] = batchDelay,
        ["Im__Push__RetryInitialDelay"] = "00:00:00.200",
        ["Im__Push__RetryMaxDelay"] = "00:00:01",
    };

    [Fact]
    public async Task AnOfflineRecipientGetsOneSignedCallPerMessageAndAnOnlineOneNone()
    {
        await using var webhook = await WebhookReceiver.StartAsync();
        await using var hub = await HubProcess.StartAsync(Settings(webhook.Url, preview: true));
        await using var alice = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("alice"), reliable: true);
        await using var bob = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("bob"), reliable: true);
        var carol = HubFixture.NewUser("carol");

        await alice.Client.SendTextAsync(bob.UserId, "bob is online");
        var first = await alice.Client.SendTextAsync(carol, "hi carol, you are offline");
        var second = await alice.Client.SendTextAsync(carol, "second");

        await Eventually.TrueAsync(() => webhook.Accepted.Count >= 2, "two notifications for carol");
        await Task.Delay(1500); // longer than the sweeper's replay delay: bob's acked message must stay silent
        var notes = webhook.Accepted;
        Assert.Equal(2, notes.Count);
        Assert.All(notes, n => Assert.Equal(carol, n.GetProperty("userId").GetString()));
        Assert.Equal([first.MsgId, second.MsgId], notes.Select(n => n.GetProperty("msgId").GetString()));
        var n1 = notes[0];
        Assert.Equal(first.ChatId, n1.GetProperty("chatId").GetString());
        Assert.Equal(alice.UserId, n1.GetProperty("fromUserId").GetString());
        Assert.Equal("hi carol, you are offline", n1.GetProperty("preview").GetString());
        Assert.True(n1.GetProperty("badge").GetInt64() >= 1);
        Assert.True(notes[1].GetProperty("badge").GetInt64() >= notes[0].GetProperty("badge").GetInt64());
        Assert.All(webhook.Calls, AssertSigned);
        Assert.All(webhook.Calls, c => Assert.StartsWith("application/json", c.ContentType, StringComparison.Ordinal));
    }

    [Fact]
    public async Task ARecipientThatDisconnectsWithoutAckingIsPushedByTheSweeper()
    {
        await using var webhook = await WebhookReceiver.StartAsync();
        await using var hub = await HubProcess.StartAsync(Settings(webhook.Url, preview: false));
        await using var alice = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("alice"), reliable: true);
        // Raw client: it receives the push but never acks it.
        var dave = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("dave"), reliable: false);
        var sent = await alice.Client.SendTextAsync(dave.UserId, "you will not ack this");
        await Eventually.TrueAsync(() => !dave.Received.IsEmpty, "dave gets the push");
        Assert.Empty(webhook.Calls);
        await dave.DisposeAsync();

        // The sweeper finds dave gone at the replay and marks the message offline.
        await Eventually.TrueAsync(() => webhook.Accepted.Count == 1, "the sweeper's offline mark reaches the webhook");
        var note = webhook.Accepted[0];
        Assert.Equal(dave.UserId, note.GetProperty("userId").GetString());
        Assert.Equal(sent.MsgId, note.GetProperty("msgId").GetString());
        Assert.False(note.TryGetProperty("preview", out _), "no preview unless Im:Push:IncludePreview");
        Assert.All(webhook.Calls, AssertSigned);
    }

    [Fact]
    public async Task UnderLoadNotificationsAreBatchedAndAnOutageIsRetriedWithoutSlowingSends()
    {
        await using var webhook = await WebhookReceiver.StartAsync();
        await using var hub = await HubProcess.StartAsync(Settings(webhook.Url, preview: false, batchDelay: "00:00:00.300"));
        await using var alice = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("alice"), reliable: true);
        var offline = Enumerable.Range(0, 3).Select(i => HubFixture.NewUser("off" + i)).ToArray();

        // The webhook hangs on its first request, then answers 503 three more times: an outage.
        webhook.Hold();
        webhook.FailNext(4);
        var msgIds = new List<string> { (await alice.Client.SendTextAsync(offline[0], "load 0")).MsgId };
        await Eventually.TrueAsync(() => webhook.InFlight == 1, "the hook's first request hangs");
        for (var i = 1; i < 60; i++)
        {
            msgIds.Add((await alice.Client.SendTextAsync(offline[i % 3], $"load {i}")).MsgId);
        }
        // Every send completed while the hook's only worker sat in a request nobody answered: sends never wait for it.
        Assert.Equal(1, webhook.InFlight);
        Assert.Empty(webhook.Calls);
        webhook.Release();

        await Eventually.TrueAsync(() => webhook.Accepted.Count >= 60, "every notification accepted after the outage", TimeSpan.FromSeconds(30));
        await Task.Delay(500);
        var accepted = webhook.Accepted.Select(n => n.GetProperty("msgId").GetString()!).ToList();
        Assert.Equal(msgIds.Order(StringComparer.Ordinal), accepted.Order(StringComparer.Ordinal));

        var calls = webhook.Calls.ToArray();
        Assert.Equal(4, calls.Count(c => c.Status == 503));
        Assert.True(calls.Count(c => c.Status == 200) < 60, $"batched: {calls.Count(c => c.Status == 200)} accepted calls for 60 messages");
        Assert.All(calls, c => Assert.InRange(c.Notifications.Count, 1, 100));
        // A retried batch keeps its delivery id, and its attempt number grows.
        var retried = calls.GroupBy(c => c.Delivery).Where(g => g.Count() > 1).ToArray();
        Assert.NotEmpty(retried);
        Assert.All(retried, g => Assert.Equal(Enumerable.Range(1, g.Count()).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), g.Select(c => c.Attempt)));
        Assert.All(retried, g => Assert.Equal(200, g.Last().Status));
        Assert.All(calls, AssertSigned);

        // The outage is visible in the metrics; nothing was dropped.
        var text = "";
        for (var i = 0; i < 40 && !text.Contains("im_webhook_delivered_total", StringComparison.Ordinal); i++)
        {
            await Task.Delay(250);
            text = await hub.Http.GetStringAsync("/metrics");
        }
        Assert.Matches(@"im_webhook_delivered_total\{[^}]*\} 60(\s|$)", text);
        Assert.Matches(@"im_webhook_calls_total\{[^}]*outcome=""retry""[^}]*\} 4(\s|$)", text);
        Assert.DoesNotContain("im_webhook_dropped_total", text, StringComparison.Ordinal);
    }

    /// <summary>HMAC-SHA256(secret, timestamp + "." + body), as docs/mobile.md tells receivers to check.</summary>
    private static void AssertSigned(WebhookCall call)
    {
        Assert.Matches("^[0-9]+$", call.Timestamp);
        Assert.InRange(long.Parse(call.Timestamp, System.Globalization.CultureInfo.InvariantCulture), DateTimeOffset.UtcNow.ToUnixTimeSeconds() - 120, DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 5);
        var signed = Encoding.UTF8.GetBytes(call.Timestamp + ".").Concat(call.Body).ToArray();
        var expected = "sha256=" + Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), signed));
        Assert.Equal(expected, call.Signature);
        using var _ = JsonDocument.Parse(call.Body);
    }
}
