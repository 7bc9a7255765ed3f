using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.InProcess;
using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Services;

namespace ImSignalR.UnitTests.Domain;

public sealed class BlockServiceTests
{
    private readonly CountingBlockStore _store = new();
    private readonly LocalBlockListChanges _changes = new();
    private readonly ManualTime _time = new(DateTimeOffset.UnixEpoch);

    private BlockService NewNode() => new(_store, _changes, _time);

    [Fact]
    public async Task TheSendCheckReadsTheStoreOncePerRecipientAndAChangeOnAnyNodeIsSeenAtOnce()
    {
        var node1 = NewNode();
        var node2 = NewNode(); // shares the store and the change channel, as two nodes on one Redis
        Assert.False(await node1.IsBlockedAsync("bob", "alice", default));
        Assert.False(await node1.IsBlockedAsync("bob", "carol", default));
        Assert.Equal(1, _store.Reads);

        await node2.BlockAsync("bob", new BlockRequest { UserId = "alice" }, default);

        Assert.True(await node1.IsBlockedAsync("bob", "alice", default));
        Assert.False(await node1.IsBlockedAsync("bob", "carol", default));
        await node2.UnblockAsync("bob", new BlockRequest { UserId = "alice" }, default);
        Assert.False(await node1.IsBlockedAsync("bob", "alice", default));
    }

    [Fact]
    public async Task ALostNoticeIsCoveredByTheEntryExpiring()
    {
        var node = NewNode();
        Assert.False(await node.IsBlockedAsync("bob", "alice", default));
        await _store.SetBlockedAsync("bob", "alice", true, 0, default); // another node's change whose notice never came

        Assert.False(await node.IsBlockedAsync("bob", "alice", default));
        _time.Advance(BlockService.EntryTtl);
        Assert.True(await node.IsBlockedAsync("bob", "alice", default));
    }

    [Fact]
    public async Task ALoadThatRacesAChangeDoesNotCacheTheOlderAnswer()
    {
        var node = NewNode();
        _store.DuringRead = () => node.Invalidate("bob"); // a change lands while the list is being read
        Assert.False(await node.IsBlockedAsync("bob", "alice", default));
        _store.DuringRead = null;
        await _store.SetBlockedAsync("bob", "alice", true, 0, default);
        Assert.True(await node.IsBlockedAsync("bob", "alice", default)); // read again, not served from the cache
    }

    [Fact]
    public async Task BadTargetsAndTooManyBlocksAreRefusedAndRepeatsAreIdempotent()
    {
        var node = NewNode();
        Assert.Equal(ImErrorCode.InvalidRecipient, (await Assert.ThrowsAsync<ImException>(() => node.BlockAsync("bob", new BlockRequest { UserId = "bob" }, default))).Code);
        Assert.Equal(ImErrorCode.InvalidUserId, (await Assert.ThrowsAsync<ImException>(() => node.BlockAsync("bob", new BlockRequest { UserId = "" }, default))).Code);
        await Assert.ThrowsAsync<ImException>(() => node.BlockAsync("bob", null, default));

        await node.BlockAsync("bob", new BlockRequest { UserId = "alice" }, default);
        await node.BlockAsync("bob", new BlockRequest { UserId = "alice" }, default);
        Assert.Equal(["alice"], (await node.GetBlockedAsync("bob", default)).UserIds);

        for (var i = 1; i < BlockService.MaxBlockedUsers; i++)
        {
            await _store.SetBlockedAsync("bob", $"u{i}", true, i, default);
        }
        var error = await Assert.ThrowsAsync<ImException>(() => node.BlockAsync("bob", new BlockRequest { UserId = "one-too-many" }, default));
        Assert.Equal(ImErrorCode.InvalidArgument, error.Code);
        Assert.True((await node.BlockAsync("bob", new BlockRequest { UserId = "alice" }, default)).Blocked); // already in: fine
    }

    [Fact]
    public async Task ASendToSomeoneWhoBlockedTheSenderIsRefusedAndNothingIsStored()
    {
        var blocks = NewNode();
        var h = new ServiceHarness(blocks: blocks);
        await blocks.BlockAsync("bob", new BlockRequest { UserId = "alice" }, default);

        var error = await Assert.ThrowsAsync<ImException>(() => h.Send.SendAsync("alice", new SendRequest { ClientMsgId = "c", ToUserId = "bob", Content = "hi", MsgFormat = 1 }, null, default));

        Assert.Equal("IM_BLOCKED", error.Code.ToWire());
        Assert.False(error.IsRetriable);
        Assert.Empty(h.Store.Messages);
        Assert.NotNull(await h.Send.SendAsync("bob", new SendRequest { ClientMsgId = "c", ToUserId = "alice", Content = "hi", MsgFormat = 1 }, null, default));
    }

    private sealed class CountingBlockStore : IBlockStore
    {
        private readonly List<(string User, string Blocked)> _rows = [];

        public int Reads { get; private set; }

        public Action? DuringRead { get; set; }

        public Task<bool> SetBlockedAsync(string userId, string blockedUserId, bool blocked, long now, CancellationToken cancellationToken)
        {
            lock (_rows)
            {
                var exists = _rows.Contains((userId, blockedUserId));
                if (blocked && !exists)
                {
                    _rows.Add((userId, blockedUserId));
                }
                else if (!blocked && exists)
                {
                    _rows.Remove((userId, blockedUserId));
                }
                return Task.FromResult(blocked != exists);
            }
        }

        public Task<IReadOnlyList<string>> GetBlockedAsync(string userId, int limit, CancellationToken cancellationToken)
        {
            Reads++;
            DuringRead?.Invoke();
            lock (_rows)
            {
                return Task.FromResult<IReadOnlyList<string>>(_rows.Where(r => r.User == userId).Select(r => r.Blocked).Take(limit).ToList());
            }
        }
    }
}
