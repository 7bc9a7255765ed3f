using System.Diagnostics.Metrics;
using ImSignalR.Domain.Services;

namespace ImSignalR.Hub.Observability;

/// <summary>Live hub connections on this node, as the <c>im.connections</c> gauge.</summary>
internal sealed class ConnectionGauge
{
    private long _current;

    public ConnectionGauge(Meter meter)
    {
        meter.CreateObservableGauge("im.connections", () => Interlocked.Read(ref _current), description: "Live hub connections on this node.");
    }

    public void Opened() => Interlocked.Increment(ref _current);

    public void Closed() => Interlocked.Decrement(ref _current);
}
