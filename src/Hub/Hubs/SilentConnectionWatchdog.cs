using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace ImSignalR.Hub.Hubs;

/// <summary>
/// Closes a connection that has received nothing for <see cref="HubOptions.ClientTimeoutInterval"/>
/// from its very start. SignalR's own client timeout only starts at the client's first ping, so a
/// socket that completes the handshake and then stays silent would hold one of its user's connection
/// slots, and keep the user "online", for as long as the TCP connection lives. Connection middleware
/// ahead of the hub: it sees every byte the transport delivers, pings included.
/// </summary>
internal sealed class SilentConnectionWatchdog(IOptions<HubOptions> hubOptions, TimeProvider time, ILogger<SilentConnectionWatchdog> logger)
{
    private readonly TimeSpan _timeout = hubOptions.Value.ClientTimeoutInterval ?? TimeSpan.FromSeconds(30);
    private readonly TimeProvider _time = time;
    private readonly ILogger _logger = logger;

    public ConnectionDelegate Wrap(ConnectionDelegate next) => connection =>
    {
        var heartbeat = connection.Features.Get<IConnectionHeartbeatFeature>();
        // Long polling keeps itself alive by polling, and SignalR closes a poller that stops.
        if (heartbeat is null || connection.Features.Get<IConnectionInherentKeepAliveFeature>()?.HasInherentKeepAlive == true)
        {
            return next(connection);
        }
        var watched = new Watched(this, connection);
        connection.Transport = watched.Pipe;
        heartbeat.OnHeartbeat(static state => ((Watched)state).Tick(), watched);
        return next(connection);
    };

    /// <summary>One connection: its transport, read through <see cref="ActivityReader"/>, and its verdict.</summary>
    private sealed class Watched
    {
        private readonly SilentConnectionWatchdog _owner;
        private readonly ConnectionContext _connection;
        private readonly ActivityReader _reader;
        private int _done;

        public Watched(SilentConnectionWatchdog owner, ConnectionContext connection)
        {
            _owner = owner;
            _connection = connection;
            _reader = new ActivityReader(connection.Transport.Input, owner._time);
            Pipe = new DuplexPipe(_reader, connection.Transport.Output);
        }

        public IDuplexPipe Pipe { get; }

        // SignalR's heartbeat, about once a second, until the connection is disposed.
        public void Tick()
        {
            if (Volatile.Read(ref _done) != 0)
            {
                return;
            }
            // If SignalR swapped the transport (a stateful reconnect), reads no longer pass here: stand
            // down rather than close a connection that is talking. SignalR's own timeout still applies.
            if (!ReferenceEquals(_connection.Transport, Pipe))
            {
                Volatile.Write(ref _done, 1);
                return;
            }
            if (_owner._time.GetElapsedTime(_reader.LastActivity) <= _owner._timeout || Interlocked.Exchange(ref _done, 1) != 0)
            {
                return;
            }
            HubLog.SilentConnectionClosed(_owner._logger, _connection.ConnectionId, _owner._timeout);
            _connection.Abort(new ConnectionAbortedException("Nothing received within the client timeout."));
        }
    }

    private sealed class DuplexPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }

    /// <summary>The transport's reader, noting when each read returned data.</summary>
    private sealed class ActivityReader(PipeReader inner, TimeProvider time) : PipeReader
    {
        private long _lastActivity = time.GetTimestamp();

        public long LastActivity => Interlocked.Read(ref _lastActivity);

        public override bool TryRead(out ReadResult result)
        {
            if (!inner.TryRead(out result))
            {
                return false;
            }
            Stamp();
            return true;
        }

        public override ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
        {
            var read = inner.ReadAsync(cancellationToken);
            if (read.IsCompletedSuccessfully)
            {
                Stamp();
                return read;
            }
            return Awaited(read);
        }

        public override void AdvanceTo(SequencePosition consumed) => inner.AdvanceTo(consumed);

        public override void AdvanceTo(SequencePosition consumed, SequencePosition examined) => inner.AdvanceTo(consumed, examined);

        public override void CancelPendingRead() => inner.CancelPendingRead();

        public override void Complete(Exception? exception = null) => inner.Complete(exception);

        public override ValueTask CompleteAsync(Exception? exception = null) => inner.CompleteAsync(exception);

        // Every read that has to wait for the client passes here: pooled, so it allocates no state machine.
        [System.Runtime.CompilerServices.AsyncMethodBuilder(typeof(System.Runtime.CompilerServices.PoolingAsyncValueTaskMethodBuilder<>))]
        private async ValueTask<ReadResult> Awaited(ValueTask<ReadResult> read)
        {
            var result = await read;
            Stamp();
            return result;
        }

        private void Stamp() => Interlocked.Exchange(ref _lastActivity, time.GetTimestamp());
    }
}
