using ImSignalR.Domain.Messaging;

namespace ImSignalR.Domain.Ports;

/// <summary>
/// Hears of every message marked offline (SPEC §5 step 6 at send time, and the sweeper's "gone" and
/// "budget" drops), so an adapter can wake the recipient's phone through the app's push service
/// (APNs/FCM behind a webhook). Runs on the send path: it must return at once and never throw — an
/// adapter queues and does its I/O elsewhere. Best effort by design: sync (G5) is what guarantees
/// delivery, a push only tells the app to connect.
/// </summary>
public interface IOfflineNotifier
{
    void MessageOffline(ChatMessage message);
}
