using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ImSignalR.Client;
using ImSignalR.Contracts;
using ImSignalR.FunctionalTests.Infrastructure;
using ImSignalR.FunctionalTests.Operations;

namespace ImSignalR.FunctionalTests.Hostile;

/// <summary>
/// Issue 10 acceptance, hostile input: each attack is refused with its code or status, nothing is
/// stored or changed, the node stays ready, and the refusal shows in a parsed <c>/metrics</c>.
/// Tests of one class run one at a time, so counter deltas belong to the test that reads them.
/// </summary>
public sealed class HostileInputTests(HubFixture fixture) : IClassFixture<HubFixture>
{
    private const string Rejections = "im_rejections_total";

    private HubProcess Hub => fixture.Hub;

    [Theory]
    [InlineData("missing")]
    [InlineData("expired")]
    [InlineData("wrong-signature")]
    [InlineData("wrong-audience")]
    [InlineData("wrong-issuer")]
    [InlineData("alg-none")]
    [InlineData("malformed")]
    [InlineData("too-long")]
    [InlineData("bad-sub")]
    public async Task BadTokensGet401AtNegotiateConnectAndRestAndAreCounted(string kind)
    {
        var token = HostileTokens.For(kind, HubFixture.NewUser("mallory"));
        var before = await Hub.ScrapeAsync();

        using (var rest = await SendAsync(HttpMethod.Get, "/api/conversations", token))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, rest.StatusCode);
            // IncludeErrorDetails off: the challenge names the scheme and says nothing about why.
            Assert.Equal("Bearer", rest.Headers.WwwAuthenticate.ToString());
        }
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(HttpMethod.Post, "/hubs/chat/negotiate?negotiateVersion=1", token));
        await using (var client = new ImChatClient(new ImChatClientOptions { HubUri = Hub.HubUri, AccessTokenProvider = _ => ValueTask.FromResult(token) }))
        {
            var error = await Assert.ThrowsAsync<ImConnectionException>(() => client.ConnectAsync());
            Assert.Contains("401", error.Message);
        }

        var after = await Hub.WaitForAsync(Rejections, before.Value(Rejections, ("code", "IM_UNAUTHORIZED")) + 3, ("code", "IM_UNAUTHORIZED"));
        Assert.True(after.Value(Rejections, ("code", "IM_UNAUTHORIZED"), ("op", "connect")) >= before.Value(Rejections, ("code", "IM_UNAUTHORIZED"), ("op", "connect")) + 2);
        var reason = HostileTokens.Reason(kind);
        if (reason is not null)
        {
            var labels = reason.Length == 0 ? [] : new[] { ("reason", reason) };
            Assert.True(after.Value("im_auth_failures_total", labels) >= before.Value("im_auth_failures_total", labels) + 3,
                $"im_auth_failures_total{{reason={reason}}} must move by 3");
        }
        await AssertReadyAsync();
    }

    [Fact]
    public async Task AnAccessTokenInTheQueryIsAcceptedOnTheHubPathOnly()
    {
        var token = Uri.EscapeDataString(await Hub.TokenAsync(HubFixture.NewUser("alice")));

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(HttpMethod.Get, "/api/conversations?access_token=" + token, null));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Post, "/hubs/chat/negotiate?negotiateVersion=1&access_token=" + token, null));
        await using var raw = await RawHubSocket.ConnectAsync(Hub, Uri.UnescapeDataString(token)); // the WebSocket carries it in the query
        await AssertReadyAsync();
    }

    [Fact]
    public async Task FiveThousandMadeUpHubMethodNamesDoNotGrowMetrics()
    {
        const int names = 5000;
        await using var raw = await RawHubSocket.ConnectAsync(Hub, await Hub.TokenAsync(HubFixture.NewUser("mallory")));
        var before = await Hub.ScrapeAsync();
        var labels = new[] { ("code", "IM_INVALID_ARGUMENT"), ("op", "other") };

        // Fire-and-forget invocations (no invocationId: no reply to read), then one call whose
        // completion says every frame before it was handled.
        for (var i = 0; i < names; i += 100)
        {
            var batch = string.Concat(Enumerable.Range(i, 100).Select(n =>
                $"{{\"type\":1,\"target\":\"madeUp{n}_{Guid.NewGuid():N}\",\"arguments\":[]}}" + RawHubSocket.RecordSeparator));
            await raw.SendTextAsync(batch);
        }
        await raw.SendTextAsync("{\"type\":1,\"invocationId\":\"last\",\"target\":\"GetConversations\",\"arguments\":[]}" + RawHubSocket.RecordSeparator);
        Assert.NotNull(await raw.ReceiveTypeAsync(3, TimeSpan.FromSeconds(30)));

        // Summed over every series: counted however it is labelled (OpenTelemetry's overflow series included).
        var after = await Hub.WaitForAsync(Rejections, before.Value(Rejections) + names);
        // A few series may appear by themselves (a new HTTP route, a GC generation); 5,000 may not.
        Assert.True(after.Samples.Count - before.Samples.Count < 50,
            $"/metrics grew from {before.Samples.Count} to {after.Samples.Count} samples");
        Assert.DoesNotContain(after.Samples, s => s.Labels.Values.Any(v => v.StartsWith("madeUp", StringComparison.Ordinal)));
        Assert.Equal(before.Value(Rejections, labels) + names, after.Value(Rejections, labels));
        await AssertReadyAsync();
    }

    [Fact]
    public async Task AForgedFromUserIdInSendC2CIsIgnoredInFavourOfTheTokenSub()
    {
        await using var alice = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("alice"));
        await using var bob = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("bob"));
        var carolId = HubFixture.NewUser("carol");

        var result = await alice.Client.InvokeRawAsync<SendResult>("SendC2C",
            [new { clientMsgId = "forged-1", toUserId = bob.UserId, content = "who am i", msgFormat = 1, fromUserId = carolId }], default);

        var stored = (await bob.Client.SyncAsync(result!.ChatId, 0)).Messages.Single();
        Assert.Equal(alice.UserId, stored.FromUserId);
        Assert.Contains(alice.UserId, result.ChatId);
        Assert.DoesNotContain(carolId, result.ChatId);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(HttpMethod.Get, "/api/conversations", await Hub.TokenAsync(carolId)));
        Assert.Empty(await ConversationsAsync(carolId));
    }

    [Fact]
    public async Task ARestSendOnBehalfOfAnotherUserWithoutTheSendScopeIs403AndStoresNothing()
    {
        var malloryToken = await Hub.TokenAsync(HubFixture.NewUser("mallory"));
        var victimId = HubFixture.NewUser("victim");
        var bobId = HubFixture.NewUser("bob");
        var before = await Hub.ScrapeAsync();

        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/messages")
        {
            Content = JsonContent.Create(new { fromUserId = victimId, clientMsgId = "f-1", toUserId = bobId, content = "spoofed", msgFormat = 1 }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", malloryToken);
        using var response = await Hub.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("IM_FORBIDDEN", (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("code").GetString());
        Assert.Empty(await ConversationsAsync(bobId));
        Assert.Empty(await ConversationsAsync(victimId));
        await Hub.WaitForAsync(Rejections, before.Value(Rejections, ("code", "IM_FORBIDDEN"), ("op", "POST /api/messages")) + 1, ("code", "IM_FORBIDDEN"), ("op", "POST /api/messages"));
        await AssertReadyAsync();
    }

    [Fact]
    public async Task ReadingSyncingOrAckingAnotherUsersConversationIsForbiddenOnRestAndHubAndCounted()
    {
        await using var alice = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("alice"));
        await using var carol = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("carol"));
        var bobId = HubFixture.NewUser("bob");
        var sent = await alice.SendAsync(bobId, "between alice and bob");
        var before = await Hub.ScrapeAsync();

        var carolToken = await Hub.TokenAsync(carol.UserId);
        Assert.Equal(HttpStatusCode.Forbidden, await StatusAsync(HttpMethod.Get, $"/api/messages?chatId={Uri.EscapeDataString(sent.ChatId)}", carolToken));
        await AssertCodeAsync("IM_FORBIDDEN", () => carol.Client.SyncAsync(sent.ChatId, 0));
        await AssertCodeAsync("IM_FORBIDDEN", () => carol.Client.AckAsync([sent.MsgId], "Read"));

        var after = await Hub.WaitForAsync(Rejections, before.Value(Rejections, ("code", "IM_FORBIDDEN")) + 3, ("code", "IM_FORBIDDEN"));
        Assert.True(after.Value(Rejections, ("code", "IM_FORBIDDEN"), ("op", "GET /api/messages")) > before.Value(Rejections, ("code", "IM_FORBIDDEN"), ("op", "GET /api/messages")));
        Assert.True(after.Value(Rejections, ("code", "IM_FORBIDDEN"), ("op", "Ack")) > before.Value(Rejections, ("code", "IM_FORBIDDEN"), ("op", "Ack")));
        // Nothing changed: still unread for bob, no status pushed to alice.
        var bobConversation = (await ConversationsAsync(bobId)).Single();
        Assert.Equal(1, bobConversation.GetProperty("unread").GetInt32());
        Assert.Empty(alice.Statuses);
        await AssertReadyAsync();
    }

    [Fact]
    public async Task AHubMessageOverTheSizeLimitClosesOnlyThatConnection()
    {
        var aliceId = HubFixture.NewUser("alice");
        await using var bob = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("bob"));
        await using var raw = await RawHubSocket.ConnectAsync(Hub, await Hub.TokenAsync(aliceId));
        var before = await Hub.ScrapeAsync();

        var content = new string('x', 40 * 1024);
        await raw.SendTextAsync(Invocation("1", bob.UserId, content) + RawHubSocket.RecordSeparator);

        Assert.True(await raw.ClosedByServerAsync(TimeSpan.FromSeconds(10)), "the server must close the oversized connection");
        Assert.True(bob.Client.IsConnected);
        Assert.Empty(await bob.Client.GetConversationsAsync());
        Assert.Empty(await ConversationsAsync(aliceId));
        await Hub.WaitForAsync(Rejections, before.Value(Rejections, ("code", "IM_MESSAGE_TOO_LARGE")) + 1, ("code", "IM_MESSAGE_TOO_LARGE"));
        await AssertReadyAsync();
    }

    [Fact]
    public async Task DeeplyNestedArgumentsAreRefusedAndStoreNothing()
    {
        var aliceId = HubFixture.NewUser("alice");
        var bobId = HubFixture.NewUser("bob");
        await using var raw = await RawHubSocket.ConnectAsync(Hub, await Hub.TokenAsync(aliceId));
        var before = await Hub.ScrapeAsync();

        var nested = new string('[', 1000) + new string(']', 1000);
        var frame = $"{{\"type\":1,\"invocationId\":\"1\",\"target\":\"SendC2C\",\"arguments\":[{{\"clientMsgId\":\"deep\",\"toUserId\":\"{bobId}\",\"content\":\"x\",\"msgFormat\":1,\"extra\":{nested}}}]}}";
        await raw.SendTextAsync(frame + RawHubSocket.RecordSeparator);

        await AssertRefusedAsync(raw);
        Assert.Empty(await ConversationsAsync(aliceId));
        Assert.Empty(await ConversationsAsync(bobId));
        await AssertAnyRejectionMovedAsync(before, "IM_INVALID_ARGUMENT", "IM_INVALID_FRAME");
        await AssertReadyAsync();
    }

    [Theory]
    [InlineData("invalid-utf8")]
    [InlineData("lone-surrogate")]
    public async Task InvalidTextInARawFrameIsRefusedAndStoresNothing(string kind)
    {
        var aliceId = HubFixture.NewUser("alice");
        var bobId = HubFixture.NewUser("bob");
        await using var raw = await RawHubSocket.ConnectAsync(Hub, await Hub.TokenAsync(aliceId));
        var before = await Hub.ScrapeAsync();

        var prefix = Encoding.UTF8.GetBytes($"{{\"type\":1,\"invocationId\":\"1\",\"target\":\"SendC2C\",\"arguments\":[{{\"clientMsgId\":\"{kind}\",\"toUserId\":\"{bobId}\",\"msgFormat\":1,\"content\":\"");
        byte[] middle = kind == "invalid-utf8" ? [0x61, 0xC3, 0x28, 0xFF, 0xFE, 0x62] : Encoding.ASCII.GetBytes("a\\ud800b");
        var suffix = Encoding.UTF8.GetBytes("\"}]}" + RawHubSocket.RecordSeparator);
        await raw.SendBytesAsync([.. prefix, .. middle, .. suffix]);

        await AssertRefusedAsync(raw);
        Assert.Empty(await ConversationsAsync(aliceId));
        Assert.Empty(await ConversationsAsync(bobId));
        await AssertAnyRejectionMovedAsync(before, "IM_INVALID_ARGUMENT", "IM_INVALID_FRAME");
        await AssertReadyAsync();
    }

    [Fact]
    public async Task AFloodBeyondTheRateLimitIsCountedOncePerRefusal()
    {
        await using var alice = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("alice"));
        var bobId = HubFixture.NewUser("bob");
        var before = await Hub.ScrapeAsync();
        var labels = new[] { ("code", "IM_RATE_LIMITED"), ("op", "SendC2C") };

        // Fired together: far more than the burst arrive within one refill period.
        var attempts = await Task.WhenAll(Enumerable.Range(0, 120).Select(async i =>
        {
            try
            {
                return await alice.SendAsync(bobId, $"flood {i}");
            }
            catch (ImServerException ex) when (ex.Code == "IM_RATE_LIMITED")
            {
                return null;
            }
        }));
        var accepted = attempts.Where(a => a is not null).Select(a => a!).ToList();
        var limited = attempts.Length - accepted.Count;

        Assert.True(limited > 0, "the flood must be rate limited");
        var after = await Hub.WaitForAsync(Rejections, before.Value(Rejections, labels) + limited, labels);
        Assert.Equal(before.Value(Rejections, labels) + limited, after.Value(Rejections, labels));
        var stored = await alice.Client.GetHistoryAsync(accepted[0].ChatId, limit: 200);
        Assert.Equal(accepted.Select(a => a.MsgId).Order(), stored.Messages.Select(m => m.MsgId).Order());
        await AssertReadyAsync();
    }

    [Fact]
    public async Task TenTimesTheConnectionLimitLetsExactlyTheLimitIn()
    {
        const int limit = 5; // Im:Limits:MaxConnectionsPerUser default
        var token = await Hub.TokenAsync(HubFixture.NewUser("octopus"));
        var before = await Hub.ScrapeAsync();
        var labels = new[] { ("code", "IM_TOO_MANY_CONNECTIONS"), ("op", "connect") };

        // Raw sockets: the verdict is what the server wrote. Each asks for its conversations; an
        // admitted connection answers with a completion, a refused one has got a Close instead.
        var sockets = await Task.WhenAll(Enumerable.Range(0, limit * 10).Select(_ => RawHubSocket.ConnectAsync(Hub, token)));
        try
        {
            var verdicts = await Task.WhenAll(sockets.Select(async socket =>
            {
                try
                {
                    await socket.SendTextAsync("{\"type\":1,\"invocationId\":\"c\",\"target\":\"GetConversations\",\"arguments\":[]}" + RawHubSocket.RecordSeparator);
                }
                catch (System.Net.WebSockets.WebSocketException)
                {
                    // Already closed by the server; its Close frame is still readable below.
                }
                var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
                while (DateTime.UtcNow < deadline)
                {
                    var frame = await socket.ReceiveFrameAsync(deadline - DateTime.UtcNow);
                    if (frame is null)
                    {
                        return "closed without a Close message";
                    }
                    if (frame.Contains("\"type\":3", StringComparison.Ordinal))
                    {
                        return "admitted";
                    }
                    if (frame.Contains("\"type\":7", StringComparison.Ordinal))
                    {
                        return frame;
                    }
                }
                return "no answer";
            }));

            Assert.Equal(limit, verdicts.Count(v => v == "admitted"));
            Assert.All(verdicts.Where(v => v != "admitted"), v => Assert.Contains("IM_TOO_MANY_CONNECTIONS", v));
            var after = await Hub.WaitForAsync(Rejections, before.Value(Rejections, labels) + (limit * 9), labels);
            Assert.Equal(before.Value(Rejections, labels) + (limit * 9), after.Value(Rejections, labels));
        }
        finally
        {
            foreach (var socket in sockets)
            {
                await socket.DisposeAsync();
            }
        }
        await AssertReadyAsync();
    }

    private static string Invocation(string id, string to, string content) =>
        JsonSerializer.Serialize(new { type = 1, invocationId = id, target = "SendC2C", arguments = new[] { new { clientMsgId = "raw-" + id, toUserId = to, content, msgFormat = 1 } } });

    /// <summary>Refused either way SignalR may choose: a completion carrying an error, or closing the connection.</summary>
    private static async Task AssertRefusedAsync(RawHubSocket raw)
    {
        var completion = await raw.ReceiveTypeAsync(3, TimeSpan.FromSeconds(10));
        if (completion is null)
        {
            Assert.True(raw.State != System.Net.WebSockets.WebSocketState.Open, "neither a completion nor a close within 10 s");
        }
        else if (completion is { } c)
        {
            Assert.True(c.TryGetProperty("error", out var error), "the completion must carry an error: " + c);
            Assert.False(c.TryGetProperty("result", out _));
            Assert.False(string.IsNullOrEmpty(error.GetString()));
        }
    }

    private async Task AssertAnyRejectionMovedAsync(PrometheusText before, params string[] codes)
    {
        var distinct = codes.Distinct().ToArray();
        await Eventually.TrueAsync(async () =>
        {
            var after = await Hub.ScrapeAsync();
            return distinct.Sum(code => after.Value(Rejections, ("code", code))) > distinct.Sum(code => before.Value(Rejections, ("code", code)));
        }, $"one of {string.Join(", ", distinct)} counted", TimeSpan.FromSeconds(10));
    }

    private async Task<HttpStatusCode> StatusAsync(HttpMethod method, string path, string? token)
    {
        using var response = await SendAsync(method, path, token);
        return response.StatusCode;
    }

    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, string? token)
    {
        using var request = new HttpRequestMessage(method, path);
        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }
        return await Hub.Http.SendAsync(request);
    }

    private async Task<JsonElement[]> ConversationsAsync(string userId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/conversations");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await Hub.TokenAsync(userId));
        using var response = await Hub.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement[]>())!;
    }

    private async Task AssertReadyAsync()
    {
        using var response = await Hub.Http.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task AssertCodeAsync(string code, Func<Task> call)
    {
        var error = await Assert.ThrowsAsync<ImServerException>(call);
        Assert.Equal(code, error.Code);
    }
}
