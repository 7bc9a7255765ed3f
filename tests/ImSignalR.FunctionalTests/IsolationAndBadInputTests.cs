using System.Net;
using System.Net.Http.Headers;
using ImSignalR.Client;
using ImSignalR.Contracts;
using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests;

/// <summary>Issue 2 acceptance: G7 isolation, bad input, rate limit and token checks — each refused with its code, nothing changed.</summary>
public sealed class IsolationAndBadInputTests(HubFixture fixture) : IClassFixture<HubFixture>
{
    private HubProcess Hub => fixture.Hub;

    [Fact]
    public async Task AThirdUserCannotSyncReadOrAckAConversationSheIsNotIn()
    {
        await using var alice = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("alice"));
        await using var bob = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("bob"));
        await using var carol = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("carol"));
        var sent = await alice.SendAsync(bob.UserId, "private");

        await AssertCode("IM_FORBIDDEN", () => carol.Client.SyncAsync(sent.ChatId, 0));
        await AssertCode("IM_FORBIDDEN", () => carol.Client.GetHistoryAsync(sent.ChatId));
        await AssertCode("IM_FORBIDDEN", () => carol.Client.AckAsync([sent.MsgId], "Read"));
        // The sender is not the recipient either.
        await AssertCode("IM_FORBIDDEN", () => alice.Client.AckAsync([sent.MsgId], "Read"));
        Assert.Empty(await carol.Client.GetConversationsAsync());

        var stored = (await bob.Client.SyncAsync(sent.ChatId, 0)).Messages.Single();
        Assert.Equal(1, stored.Status);
        Assert.Empty(alice.Statuses);
        Assert.True(carol.Client.IsConnected);
    }

    [Fact]
    public async Task InvalidSendsAreRefusedWithTheirCodesAndStoreNothing()
    {
        await using var alice = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("alice"));
        var bobId = HubFixture.NewUser("bob");
        var ok = new SendRequest { ClientMsgId = "ok-1", ToUserId = bobId, Content = "fine" };

        await AssertCode("IM_CONTENT_TOO_LARGE", () => alice.Client.SendC2CAsync(ok with { ClientMsgId = "big", Content = new string('x', 8 * 1024 + 1) }));
        await AssertCode("IM_CONTENT_TOO_LARGE", () => alice.Client.SendC2CAsync(ok with { ClientMsgId = "big-cjk", Content = new string('汉', 3000) }));
        await AssertCode("IM_EXT_TOO_LARGE", () => alice.Client.SendC2CAsync(ok with { ClientMsgId = "ext", Ext = new string('e', 2049) }));
        await AssertCode("IM_INVALID_USER_ID", () => alice.Client.SendC2CAsync(ok with { ClientMsgId = "bad-to", ToUserId = "bob:evil" }));
        await AssertCode("IM_INVALID_USER_ID", () => alice.Client.SendC2CAsync(ok with { ClientMsgId = "long-to", ToUserId = new string('b', 65) }));
        await AssertCode("IM_INVALID_RECIPIENT", () => alice.Client.SendC2CAsync(ok with { ClientMsgId = "self", ToUserId = alice.UserId }));
        await AssertCode("IM_INVALID_CLIENT_MSG_ID", () => alice.Client.SendC2CAsync(ok with { ClientMsgId = "" }));
        await AssertCode("IM_INVALID_CLIENT_MSG_ID", () => alice.Client.SendC2CAsync(ok with { ClientMsgId = new string('c', 65) }));
        await AssertCode("IM_INVALID_MSG_FORMAT", () => alice.Client.SendC2CAsync(ok with { ClientMsgId = "fmt", MsgFormat = 42 }));
        await AssertCode("IM_INVALID_ARGUMENT", () => alice.Client.SendC2CAsync(ok with { ClientMsgId = "empty", Content = "" }));
        // Missing fields altogether (a raw object without them).
        await AssertCode("IM_INVALID_CLIENT_MSG_ID", () => alice.Client.InvokeRawAsync<SendResult>("SendC2C", [new { toUserId = bobId }], default));
        await AssertCode("IM_INVALID_ARGUMENT", () => alice.Client.InvokeRawAsync<SendResult>("SendC2C", [null], default));
        await AssertCode("IM_PAGE_TOO_LARGE", () => alice.Client.SyncAsync(limit: 201));
        await AssertCode("IM_INVALID_CHAT_ID", () => alice.Client.SyncAsync("not-a-chat", 0));
        await AssertCode("IM_INVALID_STATUS", () => alice.Client.AckAsync(["1"], "Seen"));
        await AssertCode("IM_INVALID_MSG_ID", () => alice.Client.AckAsync(["12x"], "Read"));
        await AssertCode("IM_TOO_MANY_IDS", () => alice.Client.AckAsync(Enumerable.Range(1, 201).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray()));

        Assert.True(alice.Client.IsConnected);
        Assert.Empty(await alice.Client.GetConversationsAsync());
        var good = await alice.Client.SendC2CAsync(ok);
        Assert.Equal(1, good.Seq); // nothing before it took a seq
    }

    [Fact]
    public async Task AFloodBeyondTheRateLimitIsRefusedAndOnlyAcceptedSendsAreStored()
    {
        // The default limit: a burst of 40, then 20 sends per second. 300 sends fired at once outrun it on
        // any machine; a sequential flood did not on a slow one (100 sends in 3 s fit 40 + 20 × 3).
        await using var alice = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("alice"));
        var bobId = HubFixture.NewUser("bob");
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var outcomes = await Task.WhenAll(Enumerable.Range(0, 300).Select(async i =>
        {
            try
            {
                return (Result: await alice.SendAsync(bobId, $"flood {i}"), Limited: false);
            }
            catch (ImServerException ex) when (ex.Code == "IM_RATE_LIMITED")
            {
                Assert.True(ex.IsRetriable);
                return (Result: (SendResult?)null, Limited: true);
            }
        }));
        var seconds = clock.Elapsed.TotalSeconds;
        var accepted = outcomes.Where(o => !o.Limited).Select(o => o.Result!).OrderBy(r => r.Seq).ToList();

        Assert.Equal(300, accepted.Count + outcomes.Count(o => o.Limited));
        Assert.True(outcomes.Any(o => o.Limited), "some sends must be rate limited");
        Assert.InRange(accepted.Count, 40, 40 + (int)Math.Ceiling(20 * seconds) + 1);
        var stored = new List<string>();
        ImSignalR.Contracts.SyncResult page;
        do
        {
            page = await alice.Client.SyncAsync(accepted[0].ChatId, stored.Count == 0 ? 0 : accepted[stored.Count - 1].Seq, 200);
            stored.AddRange(page.Messages.Select(m => m.MsgId));
        }
        while (page.HasMore);
        Assert.Equal(accepted.Select(a => a.MsgId), stored);
    }

    [Theory]
    [InlineData("forged")]
    [InlineData("expired")]
    [InlineData("garbage")]
    [InlineData("none")]
    public async Task BadTokensAreRefusedAtConnectAndOnRest(string kind)
    {
        var token = kind switch
        {
            "forged" => TestTokens.Create("mallory", signingKey: "a-completely-different-signing-key-0123456789abcdef"),
            "expired" => TestTokens.Create("mallory", lifetime: TimeSpan.FromMinutes(-10)),
            "garbage" => "not.a.jwt",
            _ => null,
        };

        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/conversations");
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        using var response = await Hub.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);

        await using var client = new ImChatClient(new ImChatClientOptions { HubUri = Hub.HubUri, AccessTokenProvider = _ => ValueTask.FromResult(token) });
        var error = await Assert.ThrowsAsync<ImConnectionException>(() => client.ConnectAsync());
        Assert.Contains("401", error.Message);
    }

    [Fact]
    public async Task AValidTestTokenIsAcceptedSoTheBadTokenTestsMeanSomething()
    {
        var token = TestTokens.Create(HubFixture.NewUser("trent"));
        await using var client = new ImChatClient(new ImChatClientOptions { HubUri = Hub.HubUri, AccessTokenProvider = _ => ValueTask.FromResult<string?>(token) });
        await client.ConnectAsync();
        Assert.Empty(await client.GetConversationsAsync());
    }

    private static async Task AssertCode(string code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<ImServerException>(call);
        Assert.Equal(code, error.Code);
    }
}
