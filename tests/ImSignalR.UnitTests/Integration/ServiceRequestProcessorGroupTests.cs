using System.Text;
using System.Text.Json;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.RocketMq.Service;

namespace ImSignalR.UnitTests.Integration;

/// <summary>SPEC §13 <c>send_message</c> with <c>group_id</c>: a SendGroup as user_id.</summary>
public class ServiceRequestProcessorGroupTests
{
    private static readonly long Born = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
    private readonly List<(string User, SendRequest Request)> _c2c = [];
    private readonly List<(string User, SendGroupRequest Request)> _groups = [];

    private ServiceRequestProcessor Processor(bool groups = true) => new(
        (user, request, _) =>
        {
            _c2c.Add((user, request));
            return Task.FromResult(new SendResult { MsgId = "1", ChatId = "c2c:a:b", Seq = 1, ServerTime = 1, Duplicate = false });
        },
        (_, _, _) => Task.FromResult(new HistoryResult { Messages = [], HasMore = false }),
        TimeSpan.FromSeconds(10), TimeProvider.System,
        groups
            ? (user, request, _) =>
            {
                _groups.Add((user, request));
                return request.GroupId == "42"
                    ? Task.FromResult(new SendResult { MsgId = "88", ChatId = "grp:42", Seq = 9, ServerTime = 5, Duplicate = false })
                    : throw new ImException(ImErrorCode.Forbidden, "You are not a member of this group.");
            }
            : null);

    private static async Task<JsonElement> Answer(ServiceRequestProcessor p, string body)
    {
        var (response, _, _) = await p.ProcessAsync(Encoding.UTF8.GetBytes(body), new Dictionary<string, string>(), Born, CancellationToken.None);
        Assert.NotNull(response);
        return JsonDocument.Parse(response.Body).RootElement.Clone();
    }

    [Fact]
    public async Task AGroupIdSendsToTheGroupAsTheUserWithTheRequestIdAsKey()
    {
        var answer = await Answer(Processor(), """{"request_id":"r1","user_id":"a","action":"send_message","data":{"group_id":"42","message":"hi"}}""");

        Assert.True(answer.GetProperty("success").GetBoolean());
        Assert.Equal("grp:42", answer.GetProperty("data").GetProperty("chat_id").GetString());
        Assert.Equal(9, answer.GetProperty("data").GetProperty("seq").GetInt64());
        var (user, request) = Assert.Single(_groups);
        Assert.Equal(("a", "42", "hi", 1, "r1"), (user, request.GroupId, request.Content, request.MsgFormat, request.ClientMsgId));
        Assert.Empty(_c2c);
    }

    [Fact]
    public async Task AGivenClientMsgIdAndFormatAreKept()
    {
        await Answer(Processor(), """{"request_id":"r2","user_id":"a","action":"send_message","data":{"group_id":"42","message":"hi","client_msg_id":"c-7","msg_format":2}}""");

        var (_, request) = Assert.Single(_groups);
        Assert.Equal(("c-7", 2), (request.ClientMsgId, request.MsgFormat));
    }

    [Fact]
    public async Task TheGroupRulesRefusalIsTheAnswer()
    {
        var answer = await Answer(Processor(), """{"request_id":"r3","user_id":"a","action":"send_message","data":{"group_id":"43","message":"hi"}}""");

        Assert.False(answer.GetProperty("success").GetBoolean());
        Assert.Equal("IM_FORBIDDEN", answer.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData(true, """{"request_id":"r4","user_id":"a","action":"send_message","data":{"group_id":"42","to_user_id":"b","message":"hi"}}""")]
    [InlineData(false, """{"request_id":"r5","user_id":"a","action":"send_message","data":{"group_id":"42","message":"hi"}}""")]
    public async Task BothRecipientsOrNoGroupServiceAreInvalid(bool groups, string body)
    {
        var answer = await Answer(Processor(groups), body);

        Assert.Equal("IM_INVALID_ARGUMENT", answer.GetProperty("error").GetProperty("code").GetString());
        Assert.Empty(_groups);
        Assert.Empty(_c2c);
    }
}
