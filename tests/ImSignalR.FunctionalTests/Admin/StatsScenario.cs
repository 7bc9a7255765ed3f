using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using ImSignalR.Client;
using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests.Admin;

/// <summary>
/// Issue 17's stats acceptance on one node, whatever its store and log: three users send, one message is recalled
/// (twice), one send is refused by moderation; <c>GET /api/admin/stats</c> must then show exactly those counts.
/// The node must run with <see cref="WordsFile"/> as its moderation list and a database no other test writes to.
/// </summary>
internal static class StatsScenario
{
    public const string BlockedTerm = "forbiddenstatsterm";

    /// <summary>Writes a words file holding <see cref="BlockedTerm"/>; the caller deletes it.</summary>
    public static async Task<string> WordsFileAsync()
    {
        var path = Path.Combine(Path.GetTempPath(), $"im-stats-words-{Guid.NewGuid():N}.txt");
        await File.WriteAllTextAsync(path, BlockedTerm + "\n");
        return path;
    }

    /// <param name="storeLags">RocketMQ mode: the store applies events after the send returns, so a recall waits until its message is stored.</param>
    public static async Task RunAsync(HubProcess hub, bool storeLags)
    {
        var run = Guid.NewGuid().ToString("N")[..8];
        var (aliceId, bobId, carolId) = ($"alice-{run}", $"bob-{run}", $"carol-{run}");
        await using var alice = await RecordingClient.ConnectAsync(hub, aliceId);
        await using var bob = await RecordingClient.ConnectAsync(hub, bobId);
        await using var carol = await RecordingClient.ConnectAsync(hub, carolId);

        // 8 messages from 3 senders in 3 conversations (alice-bob, alice-carol, carol-bob).
        var first = await alice.SendAsync(bobId, "hello bob");
        await alice.SendAsync(bobId, "how are you");
        await alice.SendAsync(bobId, "?");
        await bob.SendAsync(aliceId, "fine");
        await bob.SendAsync(aliceId, "and you");
        await alice.SendAsync(carolId, "hi carol");
        await carol.SendAsync(bobId, "hi bob");
        // Sent again with the same clientMsgId: a duplicate, not a message.
        var again = await carol.SendAsync(bobId, "hi bob", clientMsgId: "dup-1");
        Assert.True((await carol.SendAsync(bobId, "hi bob", clientMsgId: "dup-1")).Duplicate);

        // One moderation hit: refused, never stored, counted by the node.
        var refused = await Assert.ThrowsAsync<ImServerException>(() => alice.SendAsync(bobId, $"buy {BlockedTerm} now"));
        Assert.Equal("IM_CONTENT_BLOCKED", refused.Code);

        if (storeLags)
        {
            await Eventually.TrueAsync(async () => (await alice.Client.SyncAsync(first.ChatId, 0, 50)).Messages.Any(m => m.MsgId == first.MsgId),
                "the consumer stores the message to recall", TimeSpan.FromSeconds(60));
        }
        await alice.Client.RecallAsync(first.MsgId);
        await alice.Client.RecallAsync(first.MsgId); // idempotent: still one recall

        var expected = new Totals(MessagesC2c: 8, ActiveSenders: 3, NewConversations: 3, Recalls: 1, ModerationHits: 1);
        Assert.False(again.Duplicate);
        Totals? seen = null;
        // Moderation hits reach the store within the flusher's second; in RocketMQ mode the rest within the consumer's lag.
        await hub.ExplainFailureAsync("stats", async () =>
        {
            await Eventually.TrueAsync(async () => (seen = await TotalsAsync(hub)) == expected,
                $"the stats show {expected}", TimeSpan.FromSeconds(storeLags ? 60 : 20));
            return true;
        });
        Assert.Equal(expected, seen);
    }

    /// <summary>Yesterday to tomorrow (UTC), summed: the test may cross midnight.</summary>
    public static async Task<Totals> TotalsAsync(HubProcess hub)
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        using var response = await GetAsync(hub, Query(today.AddDays(-1), today.AddDays(1)), await hub.TokenAsync("ops-admin", "im:admin"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var days = await response.Content.ReadFromJsonAsync<JsonElement[]>();
        Assert.Equal([Day(today.AddDays(-1)), Day(today), Day(today.AddDays(1))], days!.Select(d => d.GetProperty("day").GetString()));
        Assert.All(days!, d => Assert.Equal((0L, 0L), (d.GetProperty("messagesGroup").GetInt64(), d.GetProperty("groupsCreated").GetInt64())));
        long Sum(string name) => days!.Sum(d => d.GetProperty(name).GetInt64());
        return new Totals(Sum("messagesC2c"), Sum("activeSenders"), Sum("newConversations"), Sum("recalls"), Sum("moderationHits"));
    }

    public static string Query(DateOnly from, DateOnly to) => $"/api/admin/stats?from={Day(from)}&to={Day(to)}";

    public static async Task<HttpResponseMessage> GetAsync(HubProcess hub, string path, string? token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return await hub.Http.SendAsync(request);
    }

    private static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    internal sealed record Totals(long MessagesC2c, long ActiveSenders, long NewConversations, long Recalls, long ModerationHits);
}
