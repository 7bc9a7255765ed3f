using System.Buffers;
using System.Text.Json;
using ImSignalR.FunctionalTests.Infrastructure;
using ImSignalR.FunctionalTests.Operations;
using MessagePack;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace ImSignalR.FunctionalTests.Hostile;

/// <summary>
/// Issue 14 items 6, 8 and 9: frames of an unknown type, arguments of the wrong type, and many refused
/// calls, in raw frames over JSON and MessagePack. Each is handled, the node's log stays quiet, and the
/// node serves everyone else afterwards. Its own node, so its log is this class's alone.
/// </summary>
public sealed class HostileFramesTests(HubFixture fixture) : IClassFixture<HubFixture>
{
    private const char Rs = RawHubSocket.RecordSeparator;
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly MessagePackHubProtocol MessagePack = new();

    private HubProcess Hub => fixture.Hub;

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task AJsonFrameOfAnUnknownTypeIsSkippedAndTheNextInvocationAnswered(bool sameWebSocketMessage)
    {
        await using var raw = await RawHubSocket.ConnectAsync(Hub, await Hub.TokenAsync(HubFixture.NewUser("alice")));
        const string unknown = "{\"type\":99,\"payload\":\"from a future protocol\"}";
        const string call = "{\"type\":1,\"invocationId\":\"after\",\"target\":\"GetConversations\",\"arguments\":[]}";

        if (sameWebSocketMessage)
        {
            await raw.SendTextAsync(unknown + Rs + call + Rs);
        }
        else
        {
            await raw.SendTextAsync(unknown + Rs);
            await raw.SendTextAsync(call + Rs);
        }

        var completion = await raw.ReceiveTypeAsync(3, Timeout);
        Assert.True(completion is not null, "the invocation after an unknown-type frame must be answered");
        Assert.Equal("after", completion.Value.GetProperty("invocationId").GetString());
        Assert.False(completion.Value.TryGetProperty("error", out _), completion.Value.ToString());
        await AssertOthersServedAsync();
    }

    [Fact]
    public async Task AMessagePackFrameOfAnUnknownTypeIsSkippedAndTheNextInvocationAnswered()
    {
        await using var raw = await RawHubSocket.ConnectAsync(Hub, await Hub.TokenAsync(HubFixture.NewUser("alice")), "messagepack");

        await raw.SendBinaryAsync(Frame((ref MessagePackWriter w) =>
        {
            w.WriteArrayHeader(2);
            w.Write(99);
            w.Write("from a future protocol");
        }));
        await raw.SendBinaryAsync(Frame((ref MessagePackWriter w) => WriteInvocation(ref w, "after", "GetConversations", (ref MessagePackWriter _) => { }, 0)));

        var completion = await MessagePackCompletionAsync(raw, "after");
        Assert.Null(completion.Error);
        await AssertOthersServedAsync();
    }

    [Fact]
    public async Task AWrongTypedFieldOverJsonIsRefusedWithImInvalidArgument()
    {
        var bobId = HubFixture.NewUser("bob");
        await using var raw = await RawHubSocket.ConnectAsync(Hub, await Hub.TokenAsync(HubFixture.NewUser("alice")));
        var before = await Hub.ScrapeAsync();

        await raw.SendTextAsync($"{{\"type\":1,\"invocationId\":\"1\",\"target\":\"SendC2C\",\"arguments\":[{{\"clientMsgId\":\"ext-object\",\"toUserId\":\"{bobId}\",\"content\":\"x\",\"msgFormat\":1,\"ext\":{{\"a\":1}}}}]}}" + Rs);

        var completion = await raw.ReceiveTypeAsync(3, Timeout);
        Assert.True(completion is not null, "no completion");
        var error = completion.Value.GetProperty("error").GetString();
        // SignalR puts a HubException's text after its own sentence; the code is what clients read.
        Assert.Contains("HubException: IM_INVALID_ARGUMENT: ", error, StringComparison.Ordinal);
        Assert.Equal("[]", await ConversationsJsonAsync(bobId));
        await Hub.WaitForAsync("im_rejections_total", before.Value("im_rejections_total", ("code", "IM_INVALID_ARGUMENT"), ("op", "SendC2C")) + 1, ("code", "IM_INVALID_ARGUMENT"), ("op", "SendC2C"));
        await AssertOthersServedAsync();
    }

    [Fact]
    public async Task AWrongTypedFieldOverMessagePackIsRefusedWithImInvalidArgument()
    {
        var bobId = HubFixture.NewUser("bob");
        await using var raw = await RawHubSocket.ConnectAsync(Hub, await Hub.TokenAsync(HubFixture.NewUser("alice")), "messagepack");

        await raw.SendBinaryAsync(Frame((ref MessagePackWriter w) => WriteInvocation(ref w, "1", "SendC2C", (ref MessagePackWriter writer) =>
        {
            writer.WriteMapHeader(5);
            writer.Write("clientMsgId");
            writer.Write("ext-map");
            writer.Write("toUserId");
            writer.Write(bobId);
            writer.Write("msgFormat");
            writer.Write(1);
            writer.Write("content");
            writer.Write("x");
            writer.Write("ext");
            writer.WriteMapHeader(1);
            writer.Write("a");
            writer.Write(1);
        }, 1)));

        var completion = await MessagePackCompletionAsync(raw, "1");
        Assert.NotNull(completion.Error);
        Assert.Contains("HubException: IM_INVALID_ARGUMENT: ", completion.Error, StringComparison.Ordinal);
        Assert.Equal("[]", await ConversationsJsonAsync(bobId));
        await AssertOthersServedAsync();
    }

    [Fact]
    public async Task FiftyRefusedCallsAreCountedButLeaveNoErrorOrStackTraceInTheLog()
    {
        const int calls = 50;
        var aliceId = HubFixture.NewUser("alice");
        var bobId = HubFixture.NewUser("bob");
        await using var raw = await RawHubSocket.ConnectAsync(Hub, await Hub.TokenAsync(aliceId));
        var before = await Hub.ScrapeAsync();
        var logBefore = Hub.Output.Length;

        // A chat the caller is not in (IM_FORBIDDEN), one at a time so none is queued behind another.
        var foreignChat = "c2c:" + string.Join(':', new[] { bobId, HubFixture.NewUser("carol") }.Order(StringComparer.Ordinal));
        for (var i = 0; i < calls; i++)
        {
            await raw.SendTextAsync($"{{\"type\":1,\"invocationId\":\"r{i}\",\"target\":\"SyncMessages\",\"arguments\":[{{\"chatId\":\"{foreignChat}\",\"afterSeq\":0}}]}}" + Rs);
            var completion = await raw.ReceiveTypeAsync(3, Timeout);
            Assert.True(completion is not null, $"no completion for call {i}");
            var error = completion.Value.GetProperty("error").GetString()!;
            Assert.True(error.Contains("HubException: IM_FORBIDDEN: ", StringComparison.Ordinal), error + "\n" + Hub.Output[logBefore..]);
        }

        await Hub.WaitForAsync("im_rejections_total", before.Value("im_rejections_total", ("op", "SyncMessages")) + calls, ("op", "SyncMessages"));
        await Task.Delay(500); // the console logger writes on its own thread
        var log = Hub.Output[logBefore..];
        Assert.DoesNotContain("fail:", log, StringComparison.Ordinal);
        Assert.DoesNotContain("HubException", log, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", log, StringComparison.Ordinal);
        await AssertOthersServedAsync();
    }

    [Fact]
    public async Task RefusedConnectionsAndRefusedFramesLeaveNoErrorOrStackTraceInTheLog()
    {
        var token = await Hub.TokenAsync(HubFixture.NewUser("octopus"));
        var logBefore = Hub.Output.Length;

        // Ten connections for a user allowed five: five are closed with IM_TOO_MANY_CONNECTIONS.
        var sockets = new List<RawHubSocket>();
        try
        {
            for (var i = 0; i < 10; i++)
            {
                sockets.Add(await RawHubSocket.ConnectAsync(Hub, token));
            }
            var closed = 0;
            foreach (var socket in sockets)
            {
                await socket.SendTextAsync("{\"type\":1,\"invocationId\":\"c\",\"target\":\"GetConversations\",\"arguments\":[]}" + Rs);
                var frame = await socket.ReceiveFrameAsync(Timeout);
                closed += frame is not null && frame.Contains("IM_TOO_MANY_CONNECTIONS", StringComparison.Ordinal) ? 1 : 0;
            }
            Assert.Equal(5, closed);
        }
        finally
        {
            foreach (var socket in sockets)
            {
                await socket.DisposeAsync();
            }
        }

        // Frames SignalR cannot parse and frames over the size limit close their own connection.
        for (var i = 0; i < 5; i++)
        {
            await using var malformed = await RawHubSocket.ConnectAsync(Hub, await Hub.TokenAsync(HubFixture.NewUser("mallory")));
            await malformed.SendTextAsync(i % 2 == 0 ? "{\"type\":1,\"target\":" + Rs : "{\"type\":1,\"invocationId\":\"x\",\"target\":\"SendC2C\",\"arguments\":[\"" + new string('x', 40 * 1024) + "\"]}" + Rs);
            Assert.True(await malformed.ClosedByServerAsync(Timeout), "a refused frame closes its connection");
        }

        await Task.Delay(500); // the console logger writes on its own thread
        var log = Hub.Output[logBefore..];
        Assert.True(!log.Contains("fail:", StringComparison.Ordinal) && !log.Contains("   at ", StringComparison.Ordinal), log);
        await AssertOthersServedAsync();
    }

    /// <summary>The node is healthy for everyone else: another pair of users sends and receives.</summary>
    private async Task AssertOthersServedAsync()
    {
        await using var carol = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("carol"));
        await using var dave = await RecordingClient.ConnectAsync(Hub, HubFixture.NewUser("dave"));
        var sent = await carol.SendAsync(dave.UserId, "still fine");
        await Eventually.TrueAsync(() => dave.Received.Any(m => m.MsgId == sent.MsgId), "dave receives carol's message");
    }

    private delegate void PayloadWriter(ref MessagePackWriter writer);

    private static void WriteInvocation(ref MessagePackWriter writer, string invocationId, string target, PayloadWriter arguments, int argumentCount)
    {
        writer.WriteArrayHeader(6);
        writer.Write(1); // Invocation
        writer.WriteMapHeader(0);
        writer.Write(invocationId);
        writer.Write(target);
        writer.WriteArrayHeader(argumentCount);
        arguments(ref writer);
        writer.WriteArrayHeader(0); // stream ids
    }

    /// <summary>A length-prefixed MessagePack hub frame.</summary>
    private static byte[] Frame(PayloadWriter write)
    {
        var payload = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(payload);
        write(ref writer);
        writer.Flush();
        var prefix = new List<byte>();
        for (var length = (uint)payload.WrittenCount; ; length >>= 7)
        {
            prefix.Add(length >= 0x80 ? (byte)(length | 0x80) : (byte)length);
            if (length < 0x80)
            {
                break;
            }
        }
        return [.. prefix, .. payload.WrittenSpan];
    }

    private static async Task<CompletionMessage> MessagePackCompletionAsync(RawHubSocket raw, string invocationId)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            var message = await raw.ReceiveMessageAsync(MessagePack, AnyResult.Instance, deadline - DateTime.UtcNow);
            Assert.True(message is not null, $"no completion for {invocationId}: the connection closed or went quiet");
            if (message is CompletionMessage completion && completion.InvocationId == invocationId)
            {
                return completion;
            }
        }
        throw new TimeoutException($"No completion for {invocationId} within {Timeout}.");
    }

    private async Task<string> ConversationsJsonAsync(string userId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/conversations");
        request.Headers.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", await Hub.TokenAsync(userId));
        using var response = await Hub.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return JsonSerializer.Serialize(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement);
    }

    private sealed class AnyResult : IInvocationBinder
    {
        public static readonly AnyResult Instance = new();

        public IReadOnlyList<Type> GetParameterTypes(string methodName) => [typeof(object)];

        public Type GetReturnType(string invocationId) => typeof(object);

        public Type GetStreamItemType(string streamId) => typeof(object);
    }
}
