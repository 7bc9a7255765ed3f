using ImSignalR.Domain.InProcess;
using ImSignalR.Domain.Ports;
using ImSignalR.Specification.ClusterState;

namespace ImSignalR.UnitTests.InProcess;

public sealed class InProcessRetryQueueFixture : IClusterStateFixture<IRetryQueue>
{
    public Task<IRetryQueue[]> CreateAsync(int nodes) { var q = new InProcessRetryQueue(); return Task.FromResult(Enumerable.Repeat<IRetryQueue>(q, nodes).ToArray()); }
}

public sealed class InProcessPresenceFixture : IClusterStateFixture<IPresence>
{
    public Task<IPresence[]> CreateAsync(int nodes) { var p = new InProcessPresence(); return Task.FromResult(Enumerable.Repeat<IPresence>(p, nodes).ToArray()); }
}

public sealed class InProcessDedupeFixture : IClusterStateFixture<IDedupeCache>
{
    public Task<IDedupeCache[]> CreateAsync(int nodes) { var d = new InProcessDedupeCache(TimeProvider.System); return Task.FromResult(Enumerable.Repeat<IDedupeCache>(d, nodes).ToArray()); }
}

public sealed class InProcessSequenceAllocatorFixture : ISequenceAllocatorFixture
{
    public Task<ISequenceAllocator[]> CreateAsync(int nodes, IMessageStore store) { var s = TestSequences.InProcess(store); return Task.FromResult(Enumerable.Repeat<ISequenceAllocator>(s, nodes).ToArray()); }
}

public sealed class InProcessRetryQueueTests(InProcessRetryQueueFixture f) : RetryQueueContract<InProcessRetryQueueFixture>(f);

public sealed class InProcessPresenceTests(InProcessPresenceFixture f) : PresenceContract<InProcessPresenceFixture>(f);

public sealed class InProcessDedupeTests(InProcessDedupeFixture f) : DedupeContract<InProcessDedupeFixture>(f);

public sealed class InProcessSequenceAllocatorTests(InProcessSequenceAllocatorFixture f) : SequenceAllocatorContract<InProcessSequenceAllocatorFixture>(f);

public sealed class InProcessSequenceCounterFixture : IClusterStateFixture<ISequenceCounter>
{
    public Task<ISequenceCounter[]> CreateAsync(int nodes) { var c = new InProcessSequenceCounter(); return Task.FromResult(Enumerable.Repeat<ISequenceCounter>(c, nodes).ToArray()); }
}

public sealed class InProcessSequenceCounterTests(InProcessSequenceCounterFixture f) : SequenceCounterContract<InProcessSequenceCounterFixture>(f);
