using ImSignalR.Client;
using ImSignalR.Client.Reliability;

namespace ImSignalR.UnitTests.Client;

public sealed class AckBatcherTests
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);
    private readonly FakeHub _hub = new();

    private static async Task Until(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Bound;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "timed out waiting for " + what);
            await Task.Delay(5);
        }
    }

    [Fact]
    public async Task ManyIdsGoInBatchesOfAtMostAHundredAndEveryIdIsAckedOnce()
    {
        // A long interval: only the size bound can flush the first batches quickly.
        await using var batcher = new AckBatcher(_hub, TimeSpan.FromMilliseconds(200), TimeSpan.FromMilliseconds(1));
        for (var i = 0; i < 250; i++)
        {
            batcher.Add($"m{i}");
        }
        await Until(() => batcher.AckedCount == 250, "250 acked");

        Assert.All(_hub.AckBatches, b => Assert.InRange(b.Length, 1, AckBatcher.MaxBatch));
        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"m{i}"), _hub.AckBatches.SelectMany(b => b));
        Assert.Equal(0, batcher.PendingCount);
    }

    [Fact]
    public async Task AFewIdsAreFlushedTogetherAfterTheInterval()
    {
        await using var batcher = new AckBatcher(_hub, TimeSpan.FromMilliseconds(50), TimeSpan.FromMilliseconds(1));
        batcher.Add("a");
        batcher.Add("b");
        batcher.Add("c");
        await Until(() => batcher.AckedCount == 3, "3 acked");

        Assert.Equal(["a", "b", "c"], Assert.Single(_hub.AckBatches));
    }

    [Fact]
    public async Task ABatchLostWithTheConnectionIsSentAgain()
    {
        _hub.AckFailures.Enqueue(new ImConnectionException("lost"));
        _hub.AckFailures.Enqueue(new ImServerException("HubException: IM_STORE_UNAVAILABLE: down"));
        await using var batcher = new AckBatcher(_hub, TimeSpan.FromMilliseconds(10), TimeSpan.FromMilliseconds(1));
        batcher.Add("x");
        batcher.Add("y");
        await Until(() => batcher.AckedCount == 2, "2 acked");

        Assert.Equal(["x", "y"], Assert.Single(_hub.AckBatches));
        Assert.Empty(_hub.AckFailures);
    }
}
