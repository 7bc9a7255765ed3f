using System.Threading.Channels;

namespace ImSignalR.Client.Reliability;

/// <summary>
/// Messages released by the inbox, waiting for the app's handlers. The inbox releases under its lock,
/// where it must not block, so a write always succeeds; the bound is kept one step earlier: the push
/// handler and every sync page wait in <see cref="WaitForRoomAsync"/> until fewer than
/// <c>capacity</c> messages wait. The queue therefore holds at most <c>capacity</c> plus one sync page
/// plus the pushes buffered behind a gap. Full mode: wait — and since the official client runs a
/// connection's handlers one at a time, a slow app holds back the socket reads; the server's retry
/// sweeper re-pushes what was not acked, and sync fetches the rest.
/// </summary>
internal sealed class ReleaseQueue<T>
{
    private readonly Channel<T> _channel = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    private readonly object _gate = new();
    private readonly int _capacity;
    private int _count;
    private TaskCompletionSource? _room;

    public ReleaseQueue(int capacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
    }

    /// <summary>Messages waiting.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _count;
            }
        }
    }

    public void Write(T item)
    {
        lock (_gate)
        {
            _count++;
        }
        if (!_channel.Writer.TryWrite(item))
        {
            // Completed (the client is disposing): nobody will read it.
            Taken();
        }
    }

    public ValueTask<bool> WaitToReadAsync() => _channel.Reader.WaitToReadAsync();

    public bool TryRead(out T item)
    {
        if (!_channel.Reader.TryRead(out item!))
        {
            return false;
        }
        Taken();
        return true;
    }

    public void Complete() => _channel.Writer.TryComplete();

    /// <summary>Completes when fewer than capacity messages wait.</summary>
    public async ValueTask WaitForRoomAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task room;
            lock (_gate)
            {
                if (_count < _capacity)
                {
                    return;
                }
                _room ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                room = _room.Task;
            }
            await room.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    private void Taken()
    {
        TaskCompletionSource? wake = null;
        lock (_gate)
        {
            _count--;
            if (_count < _capacity && _room is not null)
            {
                wake = _room;
                _room = null;
            }
        }
        wake?.TrySetResult();
    }
}
