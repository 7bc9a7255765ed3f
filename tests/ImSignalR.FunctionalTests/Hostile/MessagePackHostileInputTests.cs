using System.Buffers;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using ImSignalR.FunctionalTests.Infrastructure;
using ImSignalR.FunctionalTests.Operations;
using MessagePack;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Protocol;

namespace ImSignalR.FunctionalTests.Hostile;

/// <summary>
/// Hostile input over the MessagePack protocol, in raw binary frames no client library would write:
/// each is refused (a completion with the code, or the connection closed), nothing is stored or stored
/// altered, and the refusal is counted. Tests of one class run one at a time, so counter deltas are theirs.
/// </summary>
public sealed class MessagePackHostileInputTests(HubFixture fixture) : IClassFixture<HubFixture>
{
    private const string Rejections = "im_rejections_total";
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);
    private static readonly MessagePackHubProtocol Protocol = new();

    private HubProcess Hub => fixture.Hub;

    [Theory]
    [InlineData("61C328FFFE62")] // a bad continuation, then bytes never valid in UTF-8
    [InlineData("61EDA08062")] // a lone surrogate encoded as UTF-8
    public async Task InvalidUtf8InAStringIsRefusedWithImInvalidArgumentAndNeverStoredAltered(string badHex)
    {
        var aliceId = HubFixture.NewUser("alice");
        var bobId = HubFixture.NewUser("bob");
        await using var raw = await RawHubSocket.ConnectAsync(Hub, await Hub.TokenAsync(aliceId), "messagepack");
        var before = await Hub.ScrapeAsync();

        await raw.SendBinaryAsync(SendC2C("1", bobId, (ref MessagePackWriter w) => WriteRawString(ref w, Convert.FromHexString(badHex))));
        var refused = await CompletionAsync(raw, "1");
        Assert.Null(refused.Result);
        Assert.Contains("IM_INVALID_ARGUMENT: ", refused.Error, StringComparison.Ordinal);

        // The connection stays up, and the next (valid) send is the only message stored.
        await raw.SendBinaryAsync(SendC2C("2", bobId, (ref MessagePackWriter w) => w.Write("fine")));
        var accepted = await CompletionAsync(raw, "2");
        Assert.Null(accepted.Error);
        var conversation = Assert.Single(await ConversationsAsync(bobId));
        Assert.Equal(1, conversation.GetProperty("unread").GetInt32());
        Assert.Equal("fine", conversation.GetProperty("lastMessage").GetProperty("content").GetString());
        await Hub.WaitForAsync(Rejections, before.Value(Rejections, ("code", "IM_INVALID_ARGUMENT"), ("op", "SendC2C")) + 1, ("code", "IM_INVALID_ARGUMENT"), ("op", "SendC2C"));
    }

    [Fact]
    public async Task NestingInAnArgumentIsRefusedAndStoresNothing()
    {
        var aliceId = HubFixture.NewUser("alice");
        var bobId = HubFixture.NewUser("bob");
        await using var raw = await RawHubSocket.ConnectAsync(Hub, await Hub.TokenAsync(aliceId), "messagepack");
        var before = await Hub.ScrapeAsync();

        await raw.SendBinaryAsync(SendC2C("1", bobId, (ref MessagePackWriter w) =>
        {
            for (var i = 0; i < 1000; i++)
            {
                w.WriteArrayHeader(1);
            }
            w.WriteNil();
        }));

        Assert.NotNull((await CompletionAsync(raw, "1")).Error);
        Assert.Empty(await ConversationsAsync(aliceId));
        Assert.Empty(await ConversationsAsync(bobId));
        await Hub.WaitForAsync(Rejections, before.Value(Rejections, ("code", "IM_INVALID_ARGUMENT")) + 1, ("code", "IM_INVALID_ARGUMENT"));
    }

    [Fact]
    public async Task AFrameOverTheSizeLimitClosesOnlyThatConnection()
    {
        var aliceId = HubFixture.NewUser("alice");
        var bobId = HubFixture.NewUser("bob");
        await using var bob = await RawHubSocket.ConnectAsync(Hub, await Hub.TokenAsync(bobId), "messagepack");
        await using var raw = await RawHubSocket.ConnectAsync(Hub, await Hub.TokenAsync(aliceId), "messagepack");
        var before = await Hub.ScrapeAsync();

        await raw.SendBinaryAsync(SendC2C("1", bobId, (ref MessagePackWriter w) => w.Write(new string('x', 40 * 1024))));

        Assert.Null(await UntilClosedAsync(raw));
        Assert.Equal(System.Net.WebSockets.WebSocketState.Open, bob.State);
        Assert.Empty(await ConversationsAsync(aliceId));
        await Hub.WaitForAsync(Rejections, before.Value(Rejections, ("code", "IM_MESSAGE_TOO_LARGE")) + 1, ("code", "IM_MESSAGE_TOO_LARGE"));
    }

    [Theory]
    [InlineData("01C1")] // a never-used byte where the message array starts
    [InlineData("0192")] // an array of two, cut short inside its frame
    [InlineData("0391A178")] // a string where the message type goes
    public async Task AMalformedFrameClosesTheConnectionAndIsCountedAsAnInvalidFrame(string hex)
    {
        await using var raw = await RawHubSocket.ConnectAsync(Hub, await Hub.TokenAsync(HubFixture.NewUser("alice")), "messagepack");
        var before = await Hub.ScrapeAsync();

        await raw.SendBinaryAsync(Convert.FromHexString(hex));

        Assert.Null(await UntilClosedAsync(raw));
        await Hub.WaitForAsync(Rejections, before.Value(Rejections, ("code", "IM_INVALID_FRAME")) + 1, ("code", "IM_INVALID_FRAME"));
    }

    private delegate void ContentWriter(ref MessagePackWriter writer);

    /// <summary>A framed SendC2C invocation whose content is written by <paramref name="content"/>.</summary>
    private static byte[] SendC2C(string invocationId, string toUserId, ContentWriter content)
    {
        var payload = new ArrayBufferWriter<byte>();
        var writer = new MessagePackWriter(payload);
        writer.WriteArrayHeader(6);
        writer.Write(1); // Invocation
        writer.WriteMapHeader(0);
        writer.Write(invocationId);
        writer.Write("SendC2C");
        writer.WriteArrayHeader(1);
        writer.WriteMapHeader(4);
        writer.Write("clientMsgId");
        writer.Write(Guid.NewGuid().ToString("N"));
        writer.Write("toUserId");
        writer.Write(toUserId);
        writer.Write("msgFormat");
        writer.Write(1);
        writer.Write("content");
        content(ref writer);
        writer.WriteArrayHeader(0);
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

    private static void WriteRawString(ref MessagePackWriter writer, byte[] bytes)
    {
        writer.WriteStringHeader(bytes.Length);
        writer.WriteRaw(bytes);
    }

    private static async Task<CompletionMessage> CompletionAsync(RawHubSocket raw, string invocationId)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            var message = await raw.ReceiveMessageAsync(Protocol, AnyResult.Instance, deadline - DateTime.UtcNow);
            if (message is CompletionMessage completion && completion.InvocationId == invocationId)
            {
                return completion;
            }
            Assert.True(message is not null, $"the connection closed before the completion of {invocationId}");
        }
        throw new TimeoutException($"No completion for {invocationId} within {Timeout}.");
    }

    /// <summary>Reads until the server closes; returns the last message seen only if it never did.</summary>
    private static async Task<HubMessage?> UntilClosedAsync(RawHubSocket raw)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (DateTime.UtcNow < deadline)
        {
            var message = await raw.ReceiveMessageAsync(Protocol, AnyResult.Instance, deadline - DateTime.UtcNow);
            if (message is null or CloseMessage)
            {
                return null;
            }
        }
        return PingMessage.Instance;
    }

    private async Task<JsonElement[]> ConversationsAsync(string userId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/api/conversations");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await Hub.TokenAsync(userId));
        using var response = await Hub.Http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement[]>())!;
    }

    private sealed class AnyResult : IInvocationBinder
    {
        public static readonly AnyResult Instance = new();

        public IReadOnlyList<Type> GetParameterTypes(string methodName) => [typeof(object)];

        public Type GetReturnType(string invocationId) => typeof(object);

        public Type GetStreamItemType(string streamId) => typeof(object);
    }
}
