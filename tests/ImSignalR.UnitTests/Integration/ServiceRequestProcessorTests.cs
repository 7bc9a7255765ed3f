using System.Text;
using System.Text.Json;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.RocketMq.Service;

namespace ImSignalR.UnitTests.Integration;

public class ServiceRequestProcessorTests
{
    private sealed class Clock(DateTimeOffset now) : TimeProvider
    {
        public DateTimeOffset Now { get; set; } = now;
        public override DateTimeOffset GetUtcNow() => Now;
    }

    private readonly Clock _clock = new(DateTimeOffset.FromUnixTimeMilliseconds(1_764_590_000_000));
    private readonly List<(string User, SendRequest Request)> _sends = [];
    private Func<SendRequest, SendResult>? _sendResult;

    private ServiceRequestProcessor Processor() => new(
        (user, request, _) =>
        {
            lock (_sends)
            {
                _sends.Add((user, request));
            }
            return Task.FromResult(_sendResult?.Invoke(request) ?? new SendResult { MsgId = "77", ChatId = "c2c:a:b", Seq = 3, ServerTime = 5, Duplicate = false });
        },
        (user, request, _) => request.ChatId == "c2c:a:b" && user == "a"
            ? Task.FromResult(new HistoryResult { Messages = [], HasMore = false })
            : throw new ImException(ImErrorCode.Forbidden, "not a member"),
        TimeSpan.FromSeconds(10), _clock);

    private long Now => _clock.Now.ToUnixTimeMilliseconds();

    private static async Task<JsonElement> Answer(ServiceRequestProcessor p, string body, long born, Dictionary<string, string>? properties = null)
    {
        var (response, _, _) = await p.ProcessAsync(Encoding.UTF8.GetBytes(body), properties ?? [], born, CancellationToken.None);
        Assert.NotNull(response);
        return JsonDocument.Parse(response.Body).RootElement.Clone();
    }

    [Fact]
    public async Task SendMessageRunsAsTheUserWithTheRequestIdAsIdempotencyKey()
    {
        var p = Processor();
        var answer = await Answer(p, """{"request_id":"r1","user_id":"a","action":"send_message","data":{"to_user_id":"b","message":"hi","msg_format":2}}""", Now);

        Assert.True(answer.GetProperty("success").GetBoolean());
        Assert.Equal("r1", answer.GetProperty("request_id").GetString());
        Assert.Equal("77", answer.GetProperty("data").GetProperty("message_id").GetString());
        Assert.Equal(JsonValueKind.Null, answer.GetProperty("error").ValueKind);
        var (user, request) = Assert.Single(_sends);
        Assert.Equal(("a", "b", "hi", 2, "r1"), (user, request.ToUserId, request.Content, request.MsgFormat, request.ClientMsgId));
    }

    [Fact]
    public async Task ARedeliveredRequestIsAnsweredTheSameWithoutRunningAgain()
    {
        var p = Processor();
        const string body = """{"request_id":"r2","user_id":"a","action":"send_message","data":{"to_user_id":"b","message":"hi","client_msg_id":"c9"}}""";
        var first = await p.ProcessAsync(Encoding.UTF8.GetBytes(body), new Dictionary<string, string>(), Now, CancellationToken.None);
        var again = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => p.ProcessAsync(Encoding.UTF8.GetBytes(body), new Dictionary<string, string>(), Now, CancellationToken.None)));

        Assert.Single(_sends);
        Assert.Equal("c9", _sends[0].Request.ClientMsgId);
        Assert.All(again, a => Assert.Equal(first.Response!.Body, a.Response!.Body));
        Assert.All(again, a => Assert.True(a.Repeated));
    }

    [Fact]
    public async Task AnExpiredRequestIsAnsweredExpiredAndNotRun()
    {
        var p = Processor();
        var answer = await Answer(p, """{"request_id":"r3","user_id":"a","action":"send_message","data":{"to_user_id":"b","message":"hi"}}""", Now - 10_001);

        Assert.False(answer.GetProperty("success").GetBoolean());
        Assert.Equal(ServiceResponse.ExpiredCode, answer.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(_sends);
    }

    [Fact]
    public async Task ARetriableFailureIsNotRememberedSoARetryRuns()
    {
        var p = Processor();
        _sendResult = _ => throw new ImException(ImErrorCode.LogUnavailable, "down");
        const string body = """{"request_id":"r4","user_id":"a","action":"send_message","data":{"to_user_id":"b","message":"hi"}}""";
        var failed = await Answer(p, body, Now);
        Assert.Equal("IM_LOG_UNAVAILABLE", failed.GetProperty("error").GetProperty("code").GetString());

        _sendResult = null;
        var ok = await Answer(p, body, Now);
        Assert.True(ok.GetProperty("success").GetBoolean());
        Assert.Equal(2, _sends.Count);
    }

    [Fact]
    public async Task AnUnexpectedFailureIsAnsweredInternalAndNotRemembered()
    {
        var p = Processor();
        _sendResult = _ => throw new InvalidOperationException("bug");
        const string body = """{"request_id":"r5","user_id":"a","action":"send_message","data":{"to_user_id":"b","message":"hi"}}""";
        var failed = await Answer(p, body, Now);
        Assert.Equal("IM_INTERNAL", failed.GetProperty("error").GetProperty("code").GetString());
        Assert.DoesNotContain("bug", failed.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);

        _sendResult = null;
        Assert.True((await Answer(p, body, Now)).GetProperty("success").GetBoolean());
    }

    [Fact]
    public async Task HistoryIsLimitedToChatsOfTheUser()
    {
        var p = Processor();
        var mine = await Answer(p, """{"request_id":"h1","user_id":"a","action":"get_history","data":{"chat_id":"c2c:a:b","limit":5}}""", Now);
        var other = await Answer(p, """{"request_id":"h2","user_id":"z","action":"get_history","data":{"chat_id":"c2c:a:b"}}""", Now);

        Assert.True(mine.GetProperty("success").GetBoolean());
        Assert.False(mine.GetProperty("data").GetProperty("has_more").GetBoolean());
        Assert.Equal("IM_FORBIDDEN", other.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"request_id":"m1"}""")]
    [InlineData("""{"request_id":"m1","user_id":"a","action":"send_message","data":"x"}""")]
    [InlineData("""{"request_id":"m1","user_id":"a","action":"send_message","data":{"to_user_id":5,"message":"hi"}}""")]
    [InlineData("""{"request_id":"m1","user_id":"a","action":"get_history","data":{"chat_id":"c2c:a:b","limit":"ten"}}""")]
    [InlineData("""{"request_id":"m1","user_id":"a","action":"drop_tables","data":{}}""")]
    [InlineData("""{"request_id":"m1","user_id":"a","action":"send_message","data":{"group_id":"g1","message":"hi"}}""")]
    public async Task MalformedRequestsAreAnsweredWithAnInvalidArgumentError(string body)
    {
        var p = Processor();
        var answer = await Answer(p, body, Now, new Dictionary<string, string> { ["request_id"] = "m1" });

        Assert.False(answer.GetProperty("success").GetBoolean());
        Assert.Equal("m1", answer.GetProperty("request_id").GetString());
        Assert.Equal("IM_INVALID_ARGUMENT", answer.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(_sends);
    }

    [Theory]
    [InlineData("not json")]
    [InlineData("""{"user_id":"a","action":"send_message"}""")]
    [InlineData("""{"request_id":"","user_id":"a","action":"send_message"}""")]
    [InlineData("{\"request_id\":\"a\\u0001b\",\"user_id\":\"a\",\"action\":\"send_message\"}")]
    public async Task ARequestWithoutAUsableIdCannotBeAnswered(string body)
    {
        var (response, _, _) = await Processor().ProcessAsync(Encoding.UTF8.GetBytes(body), new Dictionary<string, string>(), Now, CancellationToken.None);
        Assert.Null(response);
    }

    [Fact]
    public async Task AnOversizedBodyIsRefusedUnread()
    {
        var body = "{\"request_id\":\"big\",\"data\":\"" + new string('x', ServiceRequest.MaxBodyBytes) + "\"}";
        var answer = await Answer(Processor(), body, Now, new Dictionary<string, string> { ["request_id"] = "big" });
        Assert.Equal("IM_INVALID_ARGUMENT", answer.GetProperty("error").GetProperty("code").GetString());
    }
}

public class ServiceEventCodecTests
{
    [Theory]
    [InlineData(false, "")]
    [InlineData(true, "hi \"there\"")]
    public void MessageSentHasTheSeedShapeAndContentOnlyWhenAsked(bool includeContent, string expectedMessage)
    {
        var m = new ImSignalR.Domain.Messaging.ChatMessage(9007199254740993, "c1", "c2c:a:b", 4, "a", "b", "hi \"there\"", 2, null, 1_764_590_000_123, ImSignalR.Domain.Messaging.MessageStatus.Reached);

        var root = JsonDocument.Parse(ImSignalR.RocketMq.Service.ServiceEventCodec.MessageSent(m, includeContent)).RootElement;

        Assert.Equal(["user_id", "message", "timestamp", "type", "data"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("a", root.GetProperty("user_id").GetString());
        Assert.Equal(expectedMessage, root.GetProperty("message").GetString());
        Assert.Equal("2025-12-01T11:53:20.123Z", root.GetProperty("timestamp").GetString());
        Assert.Equal("message_sent", root.GetProperty("type").GetString());
        var data = root.GetProperty("data");
        Assert.Equal("9007199254740993", data.GetProperty("msg_id").GetString());
        Assert.Equal(("c2c:a:b", "a", "b", 2, 4L), (data.GetProperty("chat_id").GetString(), data.GetProperty("from_user_id").GetString(),
            data.GetProperty("to_user_id").GetString(), data.GetProperty("msg_format").GetInt32(), data.GetProperty("seq").GetInt64()));
    }

    [Fact]
    public void MessageRecalledHasTheSeedShapeAndNeverTheContent()
    {
        var r = new ImSignalR.Domain.Messaging.MessageRecalled("c2c:a:b", 9007199254740993, "a", "b", 1_764_590_000_123);

        var root = JsonDocument.Parse(ImSignalR.RocketMq.Service.ServiceEventCodec.MessageRecalled(r)).RootElement;

        Assert.Equal(["user_id", "message", "timestamp", "type", "data"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal(("a", "", "2025-12-01T11:53:20.123Z", "message_recalled"), (root.GetProperty("user_id").GetString(),
            root.GetProperty("message").GetString(), root.GetProperty("timestamp").GetString(), root.GetProperty("type").GetString()));
        var data = root.GetProperty("data");
        Assert.Equal(("9007199254740993", "c2c:a:b", "a", "b", 1_764_590_000_123L), (data.GetProperty("msg_id").GetString(), data.GetProperty("chat_id").GetString(),
            data.GetProperty("from_user_id").GetString(), data.GetProperty("to_user_id").GetString(), data.GetProperty("recalled_at").GetInt64()));
    }
}
