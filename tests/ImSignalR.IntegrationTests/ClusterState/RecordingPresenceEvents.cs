using System.Collections.Concurrent;
using ImSignalR.Domain.Ports;

namespace ImSignalR.IntegrationTests.ClusterState;

/// <summary>Collects what presence adapters announce; one instance may be shared by several simulated nodes.</summary>
internal sealed class RecordingPresenceEvents : IPresenceEvents
{
    private readonly ConcurrentQueue<PresenceEvent> _events = new();

    public void Publish(PresenceEvent presenceEvent) => _events.Enqueue(presenceEvent);

    public IReadOnlyList<PresenceEvent> For(string userId) => _events.Where(e => e.UserId == userId).ToArray();

    public int Joins(string userId) => For(userId).Count(e => e.Kind == PresenceEventKind.Joined);

    public int Leaves(string userId) => For(userId).Count(e => e.Kind != PresenceEventKind.Joined);
}
