using ImSignalR.Client.Reliability;

namespace ImSignalR.UnitTests.Client;

public sealed class ReleaseQueueTests
{
    [Fact]
    public async Task AProducerWaitsForRoomUntilTheReaderTakesOne()
    {
        var queue = new ReleaseQueue<int>(2);
        queue.Write(1);
        await queue.WaitForRoomAsync(CancellationToken.None).AsTask().WaitAsync(TimeSpan.FromSeconds(5));
        queue.Write(2);

        var waiting = queue.WaitForRoomAsync(CancellationToken.None).AsTask();
        await Task.Delay(50);
        Assert.False(waiting.IsCompleted);
        Assert.True(queue.TryRead(out var first));
        Assert.Equal(1, first);
        await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.Equal(1, queue.Count);
    }

    [Fact]
    public async Task AWaitForRoomIsCancellable()
    {
        var queue = new ReleaseQueue<int>(1);
        queue.Write(1);
        using var cts = new CancellationTokenSource(50);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => queue.WaitForRoomAsync(cts.Token).AsTask());
    }

    [Fact]
    public void AWriteAfterCompleteIsNotCounted()
    {
        var queue = new ReleaseQueue<int>(1);
        queue.Complete();
        queue.Write(1);
        Assert.Equal(0, queue.Count);
    }
}
