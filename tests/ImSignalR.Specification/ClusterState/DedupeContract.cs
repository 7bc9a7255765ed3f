using ImSignalR.Domain.Ports;

namespace ImSignalR.Specification.ClusterState;

public abstract class DedupeContract<TFixture>(TFixture fixture) : IClassFixture<TFixture>
    where TFixture : class, IClusterStateFixture<IDedupeCache>
{
    private static readonly TimeSpan Pending = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan Window = TimeSpan.FromMinutes(10);

    [Fact]
    public async Task FirstReserveWinsAndASecondSeesItPending()
    {
        var nodes = await fixture.CreateAsync(2);
        var (user, id) = Key();
        Assert.Equal(DedupeState.Reserved, (await nodes[0].TryReserveAsync(user, id, Pending, default)).State);
        Assert.Equal(DedupeState.Pending, (await nodes[1].TryReserveAsync(user, id, Pending, default)).State);
        Assert.Equal(DedupeState.Reserved, (await nodes[1].TryReserveAsync(user + "x", id, Pending, default)).State);
    }

    [Fact]
    public async Task CompletedSendIsReturnedToDuplicates()
    {
        var nodes = await fixture.CreateAsync(2);
        var (user, id) = Key();
        await nodes[0].TryReserveAsync(user, id, Pending, default);
        var record = new DedupeRecord(42, "chat:1", 7, 1_700_000_000_123);
        await nodes[0].CompleteAsync(user, id, record, Window, default);
        var lookup = await nodes[1].TryReserveAsync(user, id, Pending, default);
        Assert.Equal(DedupeState.Completed, lookup.State);
        Assert.Equal(record, lookup.Record);
    }

    [Fact]
    public async Task ReleasedReservationCanBeTakenAgainButACompletedOneIsKept()
    {
        var cache = (await fixture.CreateAsync(1))[0];
        var (user, id) = Key();
        await cache.TryReserveAsync(user, id, Pending, default);
        await cache.ReleaseAsync(user, id, default);
        Assert.Equal(DedupeState.Reserved, (await cache.TryReserveAsync(user, id, Pending, default)).State);
        await cache.CompleteAsync(user, id, new DedupeRecord(1, "c", 1, 1), Window, default);
        await cache.ReleaseAsync(user, id, default);
        Assert.Equal(DedupeState.Completed, (await cache.TryReserveAsync(user, id, Pending, default)).State);
    }

    [Fact]
    public async Task PendingReservationExpiresAfterItsTtl()
    {
        var cache = (await fixture.CreateAsync(1))[0];
        var (user, id) = Key();
        Assert.Equal(DedupeState.Reserved, (await cache.TryReserveAsync(user, id, TimeSpan.FromMilliseconds(150), default)).State);
        var deadline = Environment.TickCount64 + 10_000;
        while ((await cache.TryReserveAsync(user, id, TimeSpan.FromMilliseconds(150), default)).State != DedupeState.Reserved)
        {
            Assert.True(Environment.TickCount64 < deadline, "the pending reservation never expired");
            await Task.Delay(50);
        }
    }

    private static (string User, string ClientMsgId) Key() => ($"u-{Guid.NewGuid():N}", Guid.NewGuid().ToString());
}
