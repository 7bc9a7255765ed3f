using ImSignalR.Domain.Ports;

namespace ImSignalR.Domain.Services;

/// <summary>Presence events when nothing consumes them (no RocketMQ service integration).</summary>
public sealed class NoPresenceEvents : IPresenceEvents
{
    public static readonly NoPresenceEvents Instance = new();

    public void Publish(PresenceEvent presenceEvent)
    {
    }
}
