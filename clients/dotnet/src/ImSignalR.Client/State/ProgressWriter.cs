namespace ImSignalR.Client.State;

/// <summary>
/// Writes the inbox's progress (the newest seq the app handled per conversation, msgIds handed over or
/// sent) to the <see cref="IClientStateStore"/> in batches, at most every <c>interval</c>, so a busy
/// conversation costs one small transaction per interval instead of one per message. Bounded: cursors
/// coalesce to one per conversation; msgIds waiting beyond the dedupe capacity drop the oldest (they
/// would leave the window anyway). A crash loses at most one interval: those messages reach the app
/// again after the restart (at-least-once), never zero times, because a cursor only moves past what the
/// app's handlers have returned from.
/// </summary>
internal sealed class ProgressWriter : IAsyncDisposable
{
    private readonly IClientStateStore _store;
    private readonly string _userId;
    private readonly int _seenCapacity;
    private readonly TimeSpan _interval;
    private readonly object _gate = new();
    private readonly Dictionary<string, long> _cursors = new(StringComparer.Ordinal);
    private readonly Queue<string> _seen = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _loop;
    private long _failures;

    public ProgressWriter(IClientStateStore store, string userId, int seenCapacity, TimeSpan interval)
    {
        _store = store;
        _userId = userId;
        _seenCapacity = seenCapacity;
        _interval = interval;
        _loop = Task.Run(LoopAsync);
    }

    /// <summary>Writes that failed (the next interval tries again with what is pending then).</summary>
    public long Failures => Interlocked.Read(ref _failures);

    public void Handled(string chatId, long seq, string msgId)
    {
        lock (_gate)
        {
            _cursors[chatId] = Math.Max(seq, _cursors.GetValueOrDefault(chatId));
            AddSeen(msgId);
        }
    }

    public void Seen(string msgId)
    {
        lock (_gate)
        {
            AddSeen(msgId);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        await _loop.ConfigureAwait(false);
        // The last batch, so a clean shutdown loses no progress.
        await FlushAsync(CancellationToken.None).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private void AddSeen(string msgId)
    {
        _seen.Enqueue(msgId);
        if (_seen.Count > _seenCapacity)
        {
            _seen.Dequeue();
        }
    }

    private async Task LoopAsync()
    {
        while (!_stopping.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(_interval, _stopping.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            await FlushAsync(_stopping.Token).ConfigureAwait(false);
        }
    }

    private async Task FlushAsync(CancellationToken cancellationToken)
    {
        Dictionary<string, long> cursors;
        string[] seen;
        lock (_gate)
        {
            if (_cursors.Count == 0 && _seen.Count == 0)
            {
                return;
            }
            cursors = new Dictionary<string, long>(_cursors, StringComparer.Ordinal);
            seen = [.. _seen];
            _cursors.Clear();
            _seen.Clear();
        }
        try
        {
            await _store.SaveProgressAsync(_userId, cursors, seen, _seenCapacity, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            if (ex is not OperationCanceledException)
            {
                Interlocked.Increment(ref _failures);
            }
            // Put it back in front of what came meanwhile, for the next attempt (the final flush at dispose).
            lock (_gate)
            {
                foreach (var (chatId, seq) in cursors)
                {
                    _cursors[chatId] = Math.Max(seq, _cursors.GetValueOrDefault(chatId));
                }
                var newer = _seen.ToArray();
                _seen.Clear();
                foreach (var id in seen.Concat(newer))
                {
                    AddSeen(id);
                }
            }
        }
    }
}
