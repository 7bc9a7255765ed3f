using StackExchange.Redis;

namespace ImSignalR.Redis.State;

/// <summary>
/// The re-registration window must already be open when the first command after a reconnect runs. SE.Redis raises
/// <c>ConnectionRestored</c> on a worker thread after the connection is usable again, so on a busy node sends ran
/// against a Redis that came back empty before <see cref="OnConnectionRestored"/> opened the window: a connected
/// recipient with no entry yet counted as offline (marked offline, no push, no replay). So the window opens at the
/// loss of the connection already and stays open until the restore has been handled.
/// </summary>
internal sealed partial class RedisPresence
{
    /// <summary>1 from the loss of the interactive connection until its restore was handled.</summary>
    private int _awaitingRestore;

    internal void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType != ConnectionType.Interactive || _stop.IsCancellationRequested)
        {
            return;
        }
        // Events come on worker threads, in no guaranteed order: if the connection is already back, the restore may
        // have been handled before this, so only a bounded window then (the restore handler extends it if it is late).
        if (_redis.IsConnected)
        {
            var until = Environment.TickCount64 + _refreshPeriodMs;
            if (until > Volatile.Read(ref _unsureUntil))
            {
                Volatile.Write(ref _unsureUntil, until);
            }
            return;
        }
        Volatile.Write(ref _awaitingRestore, 1);
    }
}
