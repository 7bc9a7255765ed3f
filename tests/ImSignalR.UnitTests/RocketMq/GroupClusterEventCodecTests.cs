using System.Text;
using System.Text.Json;
using ImSignalR.Domain.Groups;
using ImSignalR.Domain.Messaging;
using ImSignalR.RocketMq.Internal;

namespace ImSignalR.UnitTests.RocketMq;

/// <summary>The group topic's ClusterEvents (SPEC §10): 110, 130, 140, 150 both ways, and bodies that must be refused.</summary>
public class GroupClusterEventCodecTests
{
    private const long GroupId = 7_100_000_000_001;
    private static readonly string ChatId = "grp:" + GroupId;

    private static ChatMessage Message(long msgId = 9_000_000_000_042, long seq = 5, int format = 1, IReadOnlyList<string>? mentions = null, string? ext = null) =>
        new(msgId, "c-1", ChatId, seq, "alice", string.Empty, "hi \"there\" 你好", format, ext, 1_764_590_000_000, MessageStatus.Reached, Mentions: mentions);

    public static TheoryData<string> Events() => new() { "send", "send-ext-mentions", "read", "recall", "created", "added", "removed", "left", "renamed", "role", "dismissed" };

    private static LogEvent Make(string name) => name switch
    {
        "send" => new GroupMessageSent(Message(), GroupId),
        "send-ext-mentions" => new GroupMessageSent(Message(mentions: ["bob", "all"], ext: """{"k":1}"""), GroupId),
        "read" => new GroupReadAdvanced(ChatId, GroupId, "bob", 12, 1_764_590_000_001),
        "recall" => new MessageRecalled(ChatId, 9_000_000_000_042, "alice", string.Empty, 1_764_590_000_002),
        "created" => Change(GroupChangeKind.Created, ["alice", "bob"], name: "Team"),
        "added" => Change(GroupChangeKind.MembersAdded, ["carol", "dave"]),
        "removed" => Change(GroupChangeKind.MembersRemoved, ["carol"]),
        "left" => Change(GroupChangeKind.Left, ["bob"]),
        "renamed" => Change(GroupChangeKind.Renamed, [], name: "New name"),
        "role" => Change(GroupChangeKind.RoleChanged, ["bob"], role: GroupRole.Admin),
        _ => Change(GroupChangeKind.Dismissed, []),
    };

    private static GroupChanged Change(GroupChangeKind kind, string[] users, string? name = null, GroupRole? role = null)
    {
        var change = new GroupChange(kind, GroupId, "alice", users, name, role);
        var message = new ChatMessage(9_000_000_000_077, "sys-9000000000077", ChatId, 3, "alice", string.Empty,
            GroupSystemMessages.ContentOf(change), GroupSystemMessages.FormatOf(kind), null, 1_764_590_000_003, MessageStatus.Reached);
        return new GroupChanged(message, change);
    }

    [Theory]
    [MemberData(nameof(Events))]
    public void EveryGroupEventRoundTrips(string name)
    {
        var original = Make(name);

        var parsed = GroupClusterEventCodec.Parse(GroupClusterEventCodec.Serialize(original));

        switch (original)
        {
            case GroupMessageSent s:
                var p = Assert.IsType<GroupMessageSent>(parsed);
                Assert.Equal(s.GroupId, p.GroupId);
                Assert.Equal(s.Message with { Mentions = null }, p.Message with { Mentions = null });
                Assert.Equal(s.Message.Mentions ?? [], p.Message.Mentions ?? []);
                break;
            case GroupChanged c:
                var pc = Assert.IsType<GroupChanged>(parsed);
                Assert.Equal(c.Message, pc.Message);
                Assert.Equal(c.Change with { UserIds = [] }, pc.Change with { UserIds = [] });
                Assert.Equal(c.Change.UserIds, pc.Change.UserIds);
                break;
            default:
                // Records of plain values compare by value.
                Assert.Equal(original, parsed);
                break;
        }
    }

    [Theory]
    [InlineData("send", 110, "GROUP_SEND_MSG", "9000000000042")]
    [InlineData("read", 130, "GROUP_READ_MSG", "grp:7100000000001:bob:12")]
    [InlineData("recall", 140, "GROUP_WITHDRAW_MSG", "9000000000042")]
    [InlineData("added", 150, "GROUP_CHANGE_MSG", "9000000000077")]
    public void TheEnvelopeTagAndKeyAreTheDocumentedOnes(string name, int type, string tag, string key)
    {
        var e = Make(name);

        using var body = JsonDocument.Parse(GroupClusterEventCodec.Serialize(e));

        Assert.Equal(type, body.RootElement.GetProperty("clusterEventType").GetInt32());
        Assert.Equal(ChatId, body.RootElement.GetProperty("balanceId").GetString());
        Assert.Equal(e.CreateTime, body.RootElement.GetProperty("createTime").GetInt64());
        using var data = JsonDocument.Parse(body.RootElement.GetProperty("data").GetString()!);
        Assert.Equal(GroupId.ToString(System.Globalization.CultureInfo.InvariantCulture), data.RootElement.GetProperty("groupId").GetString());
        Assert.Equal(tag, GroupClusterEventCodec.TagOf(e));
        Assert.Equal(key, GroupClusterEventCodec.KeyOf(e));
        Assert.True(GroupClusterEventCodec.IsGroupEvent(e));
    }

    [Fact]
    public void AChangesDataNamesItsKindActorAndUsers()
    {
        using var body = JsonDocument.Parse(GroupClusterEventCodec.Serialize(Make("role")));
        using var data = JsonDocument.Parse(body.RootElement.GetProperty("data").GetString()!);
        var change = data.RootElement.GetProperty("change");

        Assert.Equal("role_changed", change.GetProperty("kind").GetString());
        Assert.Equal("alice", change.GetProperty("actorId").GetString());
        Assert.Equal(["bob"], change.GetProperty("userIds").EnumerateArray().Select(u => u.GetString()));
        Assert.Equal("admin", change.GetProperty("role").GetString());
        Assert.Equal(205, data.RootElement.GetProperty("msgFormat").GetInt32());
    }

    [Fact]
    public void CTwoCEventsAreNotGroupEvents()
    {
        Assert.False(GroupClusterEventCodec.IsGroupEvent(new MessageRecalled("c2c:a:b", 1, "a", "b", 1)));
        Assert.False(GroupClusterEventCodec.IsGroupEvent(new MessageSent(Message() with { ChatId = "c2c:a:b", ToUserId = "b" })));
    }

    public static TheoryData<string> Malformed()
    {
        var send = Encoding.UTF8.GetString(GroupClusterEventCodec.Serialize(Make("send")));
        var change = Encoding.UTF8.GetString(GroupClusterEventCodec.Serialize(Make("added")));
        var data = new TheoryData<string>
        {
            "",
            "not json",
            "[1,2]",
            "{}",
            send[..(send.Length / 2)], // truncated body
            send[..^1],
            """{"clusterEventType":110,"balanceId":"grp:1","createTime":1}""", // no data
            """{"clusterEventType":110,"balanceId":"grp:1","data":null,"createTime":1}""",
            """{"clusterEventType":110,"balanceId":"grp:1","data":"{\"msgId\":\"1\"","createTime":1}""", // data truncated
            """{"clusterEventType":10,"balanceId":"c2c:a:b","data":"{}","createTime":1}""", // a C2C event on the group topic
            Envelope(110, """{"msgId":"1","chatId":"grp:2","groupId":"3","msgCreateTime":1,"fromUserId":"a","msgFormat":1,"msgContent":"x","clientMsgId":"c","seq":1,"msgStatus":1}"""), // chat of another group
            Envelope(110, """{"msgId":"1","chatId":"grp:2","groupId":"2","msgCreateTime":1,"fromUserId":"a","msgFormat":1,"msgContent":"x","clientMsgId":"c","seq":0,"msgStatus":1}"""), // seq 0
            Envelope(110, """{"msgId":"-1","chatId":"grp:2","groupId":"2","msgCreateTime":1,"fromUserId":"a","msgFormat":1,"msgContent":"x","clientMsgId":"c","seq":1,"msgStatus":1}"""),
            Envelope(110, """{"msgId":"1","chatId":"grp:2","groupId":"2","msgCreateTime":1,"fromUserId":"","msgFormat":1,"msgContent":"x","clientMsgId":"c","seq":1,"msgStatus":1}"""),
            Envelope(110, """{"msgId":"99999999999999999999","chatId":"grp:2","groupId":"2","msgCreateTime":1,"fromUserId":"a","msgFormat":1,"msgContent":"x","clientMsgId":"c","seq":1,"msgStatus":1}"""),
            Envelope(130, """{"chatId":"grp:2","groupId":"2","userId":"b"}"""), // no readSeq
            Envelope(140, """{"chatId":"grp:2","groupId":"2","fromUserId":"a","withdrawFlag":1}"""), // no msgId
            Envelope(199, """{"chatId":"grp:2","groupId":"2"}"""),
            change.Replace("members_added", "members_exploded", StringComparison.Ordinal),
            change.Replace("[\\\"carol\\\",\\\"dave\\\"]", "[]", StringComparison.Ordinal), // an add of nobody
            change.Replace("\\\"msgFormat\\\":201", "\\\"msgFormat\\\":1", StringComparison.Ordinal), // a change that is not a system message
        };
        return data;
    }

    private static string Envelope(int type, string data) =>
        JsonSerializer.Serialize(new { clusterEventType = type, balanceId = "grp:2", data, createTime = 1 });

    [Theory]
    [MemberData(nameof(Malformed))]
    public void ABodyThatIsNotAValidGroupEventIsAFormatException(string body)
    {
        Assert.Throws<FormatException>(() => GroupClusterEventCodec.Parse(Encoding.UTF8.GetBytes(body)));
    }

    [Fact]
    public void TheMalformedChangeCasesReallyAlterTheBody()
    {
        // Guards the Replace-based cases above: each must have changed the serialized change.
        var change = Encoding.UTF8.GetString(GroupClusterEventCodec.Serialize(Make("added")));
        Assert.Contains("members_added", change, StringComparison.Ordinal);
        Assert.Contains("[\\\"carol\\\",\\\"dave\\\"]", change, StringComparison.Ordinal);
        Assert.Contains("\\\"msgFormat\\\":201", change, StringComparison.Ordinal);
    }
}
