using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Groups;
using ImSignalR.Domain.Identity;

namespace ImSignalR.UnitTests.Groups;

public sealed class GroupChatIdsTests
{
    [Theory]
    [InlineData("1", true)]
    [InlineData("9223372036854775807", true)]
    [InlineData("9223372036854775808", false)]
    [InlineData("0", false)]
    [InlineData("007", false)]
    [InlineData("+7", false)]
    [InlineData("-7", false)]
    [InlineData("7 ", false)]
    [InlineData("", false)]
    [InlineData(null, false)]
    public void AGroupIdIsACanonicalPositiveDecimal(string? groupId, bool valid)
    {
        Assert.Equal(valid, GroupChatIds.TryParseGroupId(groupId, out _));
        Assert.Equal(valid, GroupChatIds.TryParseChatId("grp:" + groupId, out _));
    }

    [Fact]
    public void ChatIdsOfGroupsAndPairsNeverMix()
    {
        Assert.Equal("grp:42", GroupChatIds.For(42));
        Assert.Equal("42", GroupChatIds.GroupIdOf("grp:42"));
        Assert.Null(GroupChatIds.GroupIdOf(ChatIds.ForPair("a", "b")));
        Assert.False(GroupChatIds.IsGroup("c2c:a:b"));
        Assert.Equal(ImErrorCode.InvalidChatId, Assert.Throws<ImException>(() => GroupChatIds.ParseChatId("c2c:a:b")).Code);
        Assert.Equal(ImErrorCode.InvalidArgument, Assert.Throws<ImException>(() => GroupChatIds.ParseGroupId("grp:1")).Code);
    }

    [Fact]
    public void SystemMessagesNameTheUsersAsJsonWithEscaping()
    {
        var content = GroupSystemMessages.ContentOf(new GroupChange(GroupChangeKind.MembersAdded, 1, "alice", ["bob", "carol"]));
        Assert.Equal("{\"type\":\"added\",\"actor\":\"alice\",\"userIds\":[\"bob\",\"carol\"]}", content);
        var renamed = GroupSystemMessages.ContentOf(new GroupChange(GroupChangeKind.Renamed, 1, "alice", [], "\"quoted\""));
        Assert.Equal("\"quoted\"", System.Text.Json.JsonDocument.Parse(renamed).RootElement.GetProperty("name").GetString());
        Assert.Equal([201, 201, 202, 203, 204, 205, 206], Enum.GetValues<GroupChangeKind>().Select(GroupSystemMessages.FormatOf));
    }
}
