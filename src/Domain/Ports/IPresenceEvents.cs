namespace ImSignalR.Domain.Ports;

/// <summary>
/// Where presence adapters report a user's first connection cluster-wide and their last one going away (SPEC §13
/// <c>user_join</c> / <c>user_leave</c>), after the change is in the cluster state. <see cref="Publish"/> must never
/// block: it is called on the connect and disconnect paths. The RocketMQ service integration queues the events
/// (bounded) and sends them to the event topic; without it they go nowhere.
/// </summary>
public interface IPresenceEvents
{
    void Publish(PresenceEvent presenceEvent);
}
