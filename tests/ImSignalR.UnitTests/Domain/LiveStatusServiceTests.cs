using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.InProcess;
using ImSignalR.Domain.Services;

namespace ImSignalR.UnitTests.Domain;

public sealed class LiveStatusServiceTests
{
    private static (ServiceHarness H, LiveStatusService Live, BlockService Blocks) Build()
    {
        var h = new ServiceHarness();
        var blocks = new BlockService(new MemoryBlocks(), new LocalBlockListChanges(), h.Time);
        return (h, new LiveStatusService(h.Presence, h.Store, h.Pusher, blocks, h.Time), blocks);
    }

    private static SendRequest Text(string to) => new() { ClientMsgId = Guid.NewGuid().ToString("N"), ToUserId = to, Content = "x", MsgFormat = 1 };

    [Fact]
    public async Task TypingReachesThePeerOncePerIntervalAndOnlyInAConversationThatExists()
    {
        var (h, live, _) = Build();
        var chat = "c2c:alice:bob";
        Assert.False(await live.TypingAsync("alice", new TypingRequest { ChatId = chat }, default)); // no message yet: strangers
        h.Time.Advance(LiveStatusService.TypingInterval);
        await h.Send.SendAsync("alice", Text("bob"), null, default);

        Assert.True(await live.TypingAsync("alice", new TypingRequest { ChatId = chat }, default));
        Assert.False(await live.TypingAsync("alice", new TypingRequest { ChatId = chat }, default)); // a flood is dropped
        Assert.True(await live.TypingAsync("bob", new TypingRequest { ChatId = chat }, default)); // per user
        h.Time.Advance(LiveStatusService.TypingInterval);
        Assert.True(await live.TypingAsync("alice", new TypingRequest { ChatId = chat }, default));

        Assert.Equal(["bob", "alice", "bob"], h.Pusher.Typing.Select(t => t.To));
        Assert.All(h.Pusher.Typing, t => Assert.Equal(chat, t.Typing.ChatId));
        var error = await Assert.ThrowsAsync<ImException>(() => live.TypingAsync("carol", new TypingRequest { ChatId = chat }, default));
        Assert.Equal(ImErrorCode.Forbidden, error.Code);
    }

    [Fact]
    public async Task APeerWhoBlockedTheCallerHearsNoTyping()
    {
        var (h, live, blocks) = Build();
        await h.Send.SendAsync("alice", Text("bob"), null, default);
        await blocks.BlockAsync("bob", new BlockRequest { UserId = "alice" }, default);
        Assert.False(await live.TypingAsync("alice", new TypingRequest { ChatId = "c2c:alice:bob" }, default));
        Assert.Empty(h.Pusher.Typing);
    }

    [Fact]
    public async Task PresenceShowsContactsOnlineOrLastSeenAndStrangersAsNothing()
    {
        var (h, live, _) = Build();
        await h.Send.SendAsync("alice", Text("bob"), null, default);
        await h.Send.SendAsync("carol", Text("alice"), null, default);
        await h.Presence.AddConnectionAsync("bob", "b1", default);
        await h.Presence.AddConnectionAsync("carol", "c1", default);
        await h.Presence.RemoveConnectionAsync("carol", "c1", default);
        await h.Presence.AddConnectionAsync("mallory", "m1", default);

        var seen = await live.GetPresenceAsync("alice", new PresenceRequest { UserIds = ["bob", "carol", "mallory"] }, default);

        Assert.Equal(new PresenceInfo { UserId = "bob", Online = true }, seen[0], PresenceComparer.Instance);
        Assert.False(seen[1].Online);
        Assert.NotNull(seen[1].LastSeen);
        Assert.False(seen[2].Online); // online, but a stranger to alice
        Assert.Null(seen[2].LastSeen);
        await Assert.ThrowsAsync<ImException>(() => live.GetPresenceAsync("alice", new PresenceRequest { UserIds = [.. Enumerable.Range(0, 201).Select(i => "u" + i)] }, default));
        await Assert.ThrowsAsync<ImException>(() => live.GetPresenceAsync("alice", new PresenceRequest { UserIds = ["bad:id"] }, default));
        await Assert.ThrowsAsync<ImException>(() => live.GetPresenceAsync("alice", null, default));
    }

    private sealed class PresenceComparer : IEqualityComparer<PresenceInfo>
    {
        public static PresenceComparer Instance { get; } = new();
        public bool Equals(PresenceInfo? x, PresenceInfo? y) => x!.UserId == y!.UserId && x.Online == y.Online && x.LastSeen == y.LastSeen;
        public int GetHashCode(PresenceInfo obj) => obj.UserId.GetHashCode(StringComparison.Ordinal);
    }

    private sealed class MemoryBlocks : ImSignalR.Domain.Ports.IBlockStore
    {
        private readonly HashSet<(string, string)> _rows = [];

        public Task<bool> SetBlockedAsync(string userId, string blockedUserId, bool blocked, long now, CancellationToken cancellationToken) =>
            Task.FromResult(blocked ? _rows.Add((userId, blockedUserId)) : _rows.Remove((userId, blockedUserId)));

        public Task<IReadOnlyList<string>> GetBlockedAsync(string userId, int limit, CancellationToken cancellationToken) =>
            Task.FromResult<IReadOnlyList<string>>(_rows.Where(r => r.Item1 == userId).Select(r => r.Item2).ToList());
    }
}
