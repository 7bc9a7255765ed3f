using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Identity;

namespace ImSignalR.UnitTests.Domain;

public sealed class IdentityTests
{
    [Theory]
    [InlineData("alice", true)]
    [InlineData("a.b_c-d@e", true)]
    [InlineData("A1", true)]
    [InlineData("", false)]
    [InlineData(null, false)]
    [InlineData("bob:evil", false)]
    [InlineData("with space", false)]
    [InlineData("ünïcode", false)]
    public void UserIdsAcceptOnlyTheDocumentedAlphabet(string? userId, bool valid) => Assert.Equal(valid, UserIds.IsValid(userId));

    [Fact]
    public void UserIdsAreAtMostSixtyFourCharacters()
    {
        Assert.True(UserIds.IsValid(new string('a', 64)));
        Assert.False(UserIds.IsValid(new string('a', 65)));
    }

    [Fact]
    public void ChatIdOrdersThePairOrdinally()
    {
        Assert.Equal("c2c:alice:bob", ChatIds.ForPair("bob", "alice"));
        Assert.Equal("c2c:alice:bob", ChatIds.ForPair("alice", "bob"));
        Assert.Equal("c2c:B:a", ChatIds.ForPair("a", "B")); // ordinal: 'B' < 'a'
    }

    [Theory]
    [InlineData("c2c:alice:bob", true)]
    [InlineData("c2c:bob:alice", false)]
    [InlineData("c2c:alice:alice", false)]
    [InlineData("c2c:alice", false)]
    [InlineData("c2c::bob", false)]
    [InlineData("grp:alice:bob", false)]
    [InlineData("c2c:alice:bob:carol", false)]
    public void ChatIdParsingRejectsAnythingButCanonicalPairs(string chatId, bool valid) =>
        Assert.Equal(valid, ChatIds.TryParse(chatId, out _, out _));

    [Fact]
    public void RequireMemberReturnsThePeerOrRefuses()
    {
        Assert.Equal("bob", ChatIds.RequireMember("c2c:alice:bob", "alice"));
        Assert.Equal("alice", ChatIds.RequireMember("c2c:alice:bob", "bob"));
        Assert.Equal(ImErrorCode.Forbidden, Assert.Throws<ImException>(() => ChatIds.RequireMember("c2c:alice:bob", "carol")).Code);
        Assert.Equal(ImErrorCode.InvalidChatId, Assert.Throws<ImException>(() => ChatIds.RequireMember("nope", "carol")).Code);
    }

    [Fact]
    public void ErrorCodesHaveStableUpperSnakeWireNames()
    {
        Assert.Equal("IM_CONTENT_TOO_LARGE", ImErrorCode.ContentTooLarge.ToWire());
        Assert.Equal("IM_FORBIDDEN", ImErrorCode.Forbidden.ToWire());
        Assert.Equal("IM_INVALID_CLIENT_MSG_ID", ImErrorCode.InvalidClientMsgId.ToWire());
        Assert.True(ImErrorCode.StoreUnavailable.IsRetriable());
        Assert.False(ImErrorCode.Forbidden.IsRetriable());
    }
}
