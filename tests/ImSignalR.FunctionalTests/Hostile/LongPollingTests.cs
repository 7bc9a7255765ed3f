using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests.Hostile;

/// <summary>
/// Issue 14 item 5 (G7): a connection token is a capability only for the user who negotiated it. Raw
/// HTTP long polling, as a client library would speak it, with a second user replaying the token; then
/// server-sent events and a WebSocket presenting it.
/// </summary>
public sealed class LongPollingTests(HubFixture fixture) : IClassFixture<HubFixture>
{
    private const char Rs = RawHubSocket.RecordSeparator;

    private HubProcess Hub => fixture.Hub;

    [Fact]
    public async Task AnotherUserCannotSendIntoOrPollSomeoneElsesLongPollingConnection()
    {
        var aliceId = HubFixture.NewUser("alice");
        var bobId = HubFixture.NewUser("bob");
        var carolId = HubFixture.NewUser("carol");
        var alice = await Hub.TokenAsync(aliceId);
        var bob = await Hub.TokenAsync(bobId);

        var id = await NegotiateAsync(alice);
        // The first poll opens the connection; then the handshake and its answer.
        Assert.Equal(HttpStatusCode.OK, (await PollAsync(alice, id)).Status);
        Assert.Equal(HttpStatusCode.OK, await PostAsync(alice, id, "{\"protocol\":\"json\",\"version\":1}" + Rs));
        Assert.Contains("{}" + Rs, await PollUntilAsync(alice, id, "{}"));

        // Bob replays alice's token: a send into her connection (as her) and a poll of her messages.
        var forged = $"{{\"type\":1,\"invocationId\":\"b1\",\"target\":\"SendC2C\",\"arguments\":[{{\"clientMsgId\":\"forged\",\"toUserId\":\"{carolId}\",\"content\":\"as alice\",\"msgFormat\":1}}]}}" + Rs;
        Assert.Equal(HttpStatusCode.Forbidden, await PostAsync(bob, id, forged));
        Assert.Equal(HttpStatusCode.Forbidden, (await PollAsync(bob, id)).Status);
        Assert.Equal(HttpStatusCode.Forbidden, await DeleteAsync(bob, id));
        Assert.Equal("[]", await ConversationsJsonAsync(carolId));

        // Alice is unaffected: her own send goes through her connection and is answered on her poll.
        var own = $"{{\"type\":1,\"invocationId\":\"a1\",\"target\":\"SendC2C\",\"arguments\":[{{\"clientMsgId\":\"own\",\"toUserId\":\"{carolId}\",\"content\":\"from alice\",\"msgFormat\":1}}]}}" + Rs;
        Assert.Equal(HttpStatusCode.OK, await PostAsync(alice, id, own));
        var answer = await PollUntilAsync(alice, id, "\"invocationId\":\"a1\"");
        Assert.DoesNotContain("\"error\"", answer, StringComparison.Ordinal);
        Assert.Contains("from alice", await ConversationsJsonAsync(carolId));
        Assert.DoesNotContain("as alice", await ConversationsJsonAsync(carolId));
        await AssertOthersServedAsync();
    }

    [Fact]
    public async Task AConnectionNegotiatedByOneUserCannotBeOpenedByAnother()
    {
        var alice = await Hub.TokenAsync(HubFixture.NewUser("alice"));
        var bob = await Hub.TokenAsync(HubFixture.NewUser("bob"));
        var id = await NegotiateAsync(alice);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"/hubs/chat?id={Uri.EscapeDataString(id)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bob);
        // Not an upgrade request, so the dispatcher would treat it as a first long poll.
        using var response = await Hub.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);

        // The owner can still open it.
        Assert.Equal(HttpStatusCode.OK, (await PollAsync(alice, id)).Status);
    }

    [Fact]
    public async Task AnotherUserCannotOpenSomeoneElsesConnectionAsServerSentEventsOrAWebSocket()
    {
        var alice = await Hub.TokenAsync(HubFixture.NewUser("alice"));
        var bob = await Hub.TokenAsync(HubFixture.NewUser("bob"));
        var id = await NegotiateAsync(alice);

        using (var request = new HttpRequestMessage(HttpMethod.Get, $"/hubs/chat?id={Uri.EscapeDataString(id)}"))
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bob);
            request.Headers.Accept.ParseAdd("text/event-stream");
            using var response = await Hub.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        // The path spelled another way routes to the same dispatcher.
        foreach (var path in new[] { "/HUBS/CHAT", "/hubs/chat/" })
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, $"{path}?ID={Uri.EscapeDataString(id)}") { Content = new StringContent("{}" + Rs) };
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bob);
            using var response = await Hub.Http.SendAsync(request);
            Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        }

        // A WebSocket presenting the token: how a stateful reconnect resumes a dropped connection.
        using var socket = new System.Net.WebSockets.ClientWebSocket();
        socket.Options.CollectHttpResponseDetails = true;
        var uri = new UriBuilder(Hub.HubUri) { Scheme = "ws", Query = $"id={Uri.EscapeDataString(id)}&access_token={Uri.EscapeDataString(bob)}" }.Uri;
        await Assert.ThrowsAsync<System.Net.WebSockets.WebSocketException>(() => socket.ConnectAsync(uri, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Forbidden, socket.HttpStatusCode);

        // The owner's WebSocket opens it.
        await using var own = await RawHubSocket.ConnectAsync(Hub, alice, connectionToken: id);
        await own.SendTextAsync("{\"type\":1,\"invocationId\":\"own\",\"target\":\"GetConversations\",\"arguments\":[]}" + Rs);
        Assert.NotNull(await own.ReceiveTypeAsync(3, TimeSpan.FromSeconds(10)));
        await AssertOthersServedAsync();
    }

    private async Task<string> NegotiateAsync(string token)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/hubs/chat/negotiate?negotiateVersion=1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Hub.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Contains(body.RootElement.GetProperty("availableTransports").EnumerateArray(), t => t.GetProperty("transport").GetString() == "LongPolling");
        return body.RootElement.GetProperty("connectionToken").GetString()!;
    }

    private async Task<(HttpStatusCode Status, string Body)> PollAsync(string token, string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/hubs/chat?id={Uri.EscapeDataString(id)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Hub.Http.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<string> PollUntilAsync(string token, string id, string expected)
    {
        var seen = new StringBuilder();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var (status, body) = await PollAsync(token, id);
            Assert.Equal(HttpStatusCode.OK, status);
            seen.Append(body);
            if (seen.ToString().Contains(expected, StringComparison.Ordinal))
            {
                return seen.ToString();
            }
        }
        throw new TimeoutException($"No poll carried {expected}; seen: {seen}");
    }

    private async Task<HttpStatusCode> PostAsync(string token, string id, string body)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, $"/hubs/chat?id={Uri.EscapeDataString(id)}")
        {
            Content = new StringContent(body, Encoding.UTF8, "text/plain"),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Hub.Http.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<HttpStatusCode> DeleteAsync(string token, string id)
    {
        using var request = new HttpRequestMessage(HttpMethod.Delete, $"/hubs/chat?id={Uri.EscapeDataString(id)}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await Hub.Http.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<string> ConversationsJsonAsync(string userId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/conversations");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await Hub.TokenAsync(userId));
        using var response = await Hub.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await response.Content.ReadAsStringAsync();
    }

    /// <summary>The node is healthy for everyone else: another pair of users sends and receives.</summary>
    private async Task AssertOthersServedAsync()
    {
        await using var carol = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("carol"));
        await using var dave = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("dave"));
        var sent = await carol.SendAsync(dave.UserId, "still fine");
        await Eventually.TrueAsync(() => dave.Received.Any(m => m.MsgId == sent.MsgId), "dave receives carol's message");
    }
}
