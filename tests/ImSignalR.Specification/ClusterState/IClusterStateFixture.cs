using ImSignalR.Domain.Ports;

namespace ImSignalR.Specification.ClusterState;

/// <summary>
/// Creates <paramref name="nodes"/> views of one fresh, isolated state (one per simulated node). An in-process
/// adapter is single-node, so it returns the same instance for every view.
/// </summary>
public interface IClusterStateFixture<TPort>
{
    Task<TPort[]> CreateAsync(int nodes);
}

/// <summary>Like <see cref="IClusterStateFixture{TPort}"/>, for the allocator, which reads the store's max seq.</summary>
public interface ISequenceAllocatorFixture
{
    Task<ISequenceAllocator[]> CreateAsync(int nodes, IMessageStore store);
}
