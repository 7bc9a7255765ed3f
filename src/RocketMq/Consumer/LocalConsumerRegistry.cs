using System.Collections.Concurrent;

namespace ImSignalR.RocketMq.Consumer;

/// <summary>
/// The persistence consumers running in this process, by their queue progress: the lag gauge reads it, and the
/// read-your-writes barrier uses it to wait on a local consumer without asking the broker.
/// </summary>
internal sealed class LocalConsumerRegistry
{
    private readonly ConcurrentDictionary<QueueProgress, byte> _consumers = new();

    public void Add(QueueProgress progress) => _consumers[progress] = 0;

    public void Remove(QueueProgress progress) => _consumers.TryRemove(progress, out _);

    public IEnumerable<QueueProgress> All => _consumers.Keys;

    /// <summary>The local consumer that owns <paramref name="queue"/> now, if any.</summary>
    public QueueProgress? Owner(MessageQueue queue) => _consumers.Keys.FirstOrDefault(p => p.AppliedOffset(queue) is not null);
}
