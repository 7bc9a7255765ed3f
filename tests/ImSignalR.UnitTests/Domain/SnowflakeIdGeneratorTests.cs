using ImSignalR.Domain.Identity;

namespace ImSignalR.UnitTests.Domain;

public sealed class SnowflakeIdGeneratorTests
{
    [Fact]
    public void IdsStrictlyIncreaseAndCarryTheNodeAndTime()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));
        var ids = new SnowflakeIdGenerator(517, time);
        var previous = 0L;
        for (var i = 0; i < 10_000; i++)
        {
            var id = ids.Next();
            Assert.True(id > previous);
            Assert.Equal(517, SnowflakeIdGenerator.NodeOf(id));
            previous = id;
        }
        // 10,000 ids in one frozen millisecond borrow from the following ones, never repeat.
        Assert.True(SnowflakeIdGenerator.TimeOf(previous) >= time.GetUtcNow());
    }

    [Fact]
    public void AClockSteppingBackNeverRepeatsAnId()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));
        var ids = new SnowflakeIdGenerator(1, time);
        var before = ids.Next();
        time.Set(time.GetUtcNow().AddSeconds(-5));
        Assert.True(ids.Next() > before);
    }

    [Fact]
    public void DifferentNodesNeverCollideInTheSameMillisecond()
    {
        var time = new ManualTime(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));
        var a = new SnowflakeIdGenerator(1, time);
        var b = new SnowflakeIdGenerator(2, time);
        var all = Enumerable.Range(0, 1000).SelectMany(_ => new[] { a.Next(), b.Next() }).ToList();
        Assert.Equal(all.Count, all.Distinct().Count());
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1024)]
    public void NodeIdsOutsideTenBitsAreRefused(int nodeId) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => new SnowflakeIdGenerator(nodeId, TimeProvider.System));

    [Fact]
    public void ConcurrentCallersGetDistinctIds()
    {
        var ids = new SnowflakeIdGenerator(3, TimeProvider.System);
        var bag = new System.Collections.Concurrent.ConcurrentBag<long>();
        Parallel.For(0, 8, _ =>
        {
            for (var i = 0; i < 20_000; i++)
            {
                bag.Add(ids.Next());
            }
        });
        Assert.Equal(bag.Count, bag.Distinct().Count());
    }
}
