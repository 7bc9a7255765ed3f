using ImSignalR.Contracts;
using ImSignalR.Client.State;

namespace ImSignalR.Client.Reliability;

/// <summary>
/// Sends C2C and group messages until the server confirms them. Each recipient (and each group) has a queue worked by one task,
/// so a conversation's messages are accepted in the order the app issued them: the next one goes only
/// after the previous one is confirmed (or failed for good). A send whose result is unknown — the
/// connection dropped, the call timed out, the server answered a retriable code — is sent again with
/// the SAME <c>clientMsgId</c>; the server's idempotency (G2) turns a resend of an accepted message
/// into its first result. Total size is bounded: callers wait for room (full mode: wait).
/// With a <see cref="Store"/>, an entry is stored before its first attempt and removed once settled
/// (confirmed, refused for good, or cancelled by its caller); disposal and a crash leave it for
/// <c>Restore</c> in the next session.
/// </summary>
internal sealed class Outbox : IAsyncDisposable
{
    private readonly IHubCallsSource _source;
    private readonly Action<OutgoingMessage, SendResult> _accepted;
    private readonly TimeSpan _retryInitialDelay;
    private readonly TimeSpan _retryMaxDelay;
    private readonly SemaphoreSlim _room;
    private readonly Dictionary<string, Queue<Entry>> _queues = new(StringComparer.Ordinal);
    private readonly HashSet<Task> _workers = [];
    private readonly CancellationTokenSource _stopping = new();
    private long _attempts;
    private int _count;

    /// <summary>Where entries survive a restart; null: memory only.</summary>
    public IClientStateStore? Store { get; init; }

    /// <summary>The user the store's rows belong to (required with <see cref="Store"/>).</summary>
    public string? StoreUserId { get; init; }

    /// <summary>Entries not yet settled.</summary>
    public int Count => Volatile.Read(ref _count);

    public Outbox(IHubCallsSource source, int capacity, TimeSpan retryInitialDelay, TimeSpan retryMaxDelay, Action<OutgoingMessage, SendResult> accepted)
    {
        _source = source;
        _room = new SemaphoreSlim(capacity, capacity);
        _retryInitialDelay = retryInitialDelay;
        _retryMaxDelay = retryMaxDelay;
        _accepted = accepted;
    }

    /// <summary>SendC2C and SendGroup calls made, first attempts and resends (for tests and diagnostics).</summary>
    public long Attempts => Interlocked.Read(ref _attempts);

    /// <summary>Queues the message; completes with the server's result.</summary>
    /// <remarks>Cancelling stops further attempts; a message already sent may still have been accepted.</remarks>
    public Task<SendResult> SendAsync(SendRequest request, CancellationToken cancellationToken) =>
        SendAsync(OutgoingMessage.Of(request), cancellationToken);

    /// <summary>Queues a group message; completes with the server's result.</summary>
    public Task<SendResult> SendGroupAsync(SendGroupRequest request, CancellationToken cancellationToken) =>
        SendAsync(OutgoingMessage.Of(request), cancellationToken);

    private async Task<SendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        await _room.WaitAsync(cancellationToken).ConfigureAwait(false);
        // Queued at once, in call order, while the store writes it; the worker sends only after the
        // write (a send must be durable before its first attempt, or a crash could lose its outcome).
        var stored = Store is null ? Task.CompletedTask
            : message.Group is { } group ? Store.AddGroupSendAsync(StoreUserId!, group, cancellationToken)
            : Store.AddSendAsync(StoreUserId!, message.Direct!, cancellationToken);
        var entry = new Entry(message, cancellationToken, holdsRoom: true, stored);
        Enqueue(entry);
        return await entry.Completion.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// Queues the sends stored by an earlier session, in their stored order, ahead of anything new.
    /// Nobody awaits them: results reach the inbox through the accepted callback like any send. They
    /// take room while there is some and are queued anyway beyond it (the last session bounded them).
    /// </summary>
    public void Restore(IReadOnlyList<SendRequest> stored) => Restore(stored.Select(OutgoingMessage.Of));

    /// <summary>Queues the group sends stored by an earlier session (see the C2C overload).</summary>
    public void Restore(IReadOnlyList<SendGroupRequest> stored) => Restore(stored.Select(OutgoingMessage.Of));

    private void Restore(IEnumerable<OutgoingMessage> stored)
    {
        foreach (var request in stored)
        {
            var entry = new Entry(request, CancellationToken.None, holdsRoom: _room.Wait(0), Task.CompletedTask);
            // Observed here: a stored send refused for good has no caller to tell.
            _ = entry.Completion.Task.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.OnlyOnFaulted, TaskScheduler.Default);
            Enqueue(entry);
        }
    }

    private void Enqueue(Entry entry)
    {
        var lane = entry.Request.Lane;
        Interlocked.Increment(ref _count);
        lock (_queues)
        {
            if (!_queues.TryGetValue(lane, out var queue))
            {
                queue = new Queue<Entry>();
                _queues[lane] = queue;
                queue.Enqueue(entry);
                var worker = Task.Run(() => WorkAsync(lane, queue));
                _workers.Add(worker);
                _ = worker.ContinueWith(t => { lock (_queues) { _workers.Remove(t); } }, TaskScheduler.Default);
            }
            else
            {
                queue.Enqueue(entry);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopping.CancelAsync().ConfigureAwait(false);
        Task[] workers;
        lock (_queues)
        {
            workers = [.. _workers];
        }
        await Task.WhenAll(workers).ConfigureAwait(false);
        _stopping.Dispose();
    }

    private async Task WorkAsync(string recipient, Queue<Entry> queue)
    {
        while (true)
        {
            Entry entry;
            lock (_queues)
            {
                if (queue.Count == 0)
                {
                    _queues.Remove(recipient);
                    return;
                }
                entry = queue.Peek();
            }
            await SendUntilSettledAsync(entry).ConfigureAwait(false);
            await ForgetIfSettledAsync(entry).ConfigureAwait(false);
            lock (_queues)
            {
                queue.Dequeue();
            }
            Interlocked.Decrement(ref _count);
            if (entry.HoldsRoom)
            {
                _room.Release();
            }
        }
    }

    private async Task SendUntilSettledAsync(Entry entry)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(entry.CancellationToken, _stopping.Token);
        var token = linked.Token;
        try
        {
            await entry.Stored.ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Not in the store, so never sent: the caller learns why (a full disk, a locked file…).
            entry.Completion.TrySetException(ex);
            return;
        }
        var attempt = 0;
        while (true)
        {
            try
            {
                var calls = await _source.WaitForConnectionAsync(token).ConfigureAwait(false);
                Interlocked.Increment(ref _attempts);
                var result = entry.Request.Group is { } group
                    ? await calls.SendGroupAsync(group, token).ConfigureAwait(false)
                    : await calls.SendC2CAsync(entry.Request.Direct!, token).ConfigureAwait(false);
                _accepted(entry.Request, result);
                entry.Completion.TrySetResult(result);
                return;
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                if (_stopping.IsCancellationRequested && !entry.CancellationToken.IsCancellationRequested)
                {
                    entry.Completion.TrySetException(new ObjectDisposedException(nameof(ImChatClient), "The client was disposed before the server confirmed the message."));
                }
                else
                {
                    entry.Completion.TrySetCanceled(entry.CancellationToken);
                }
                return;
            }
            catch (Exception ex) when (RetryableFailure.IsTransport(ex) || RetryableFailure.IsRetriableServer(ex))
            {
                try
                {
                    await Task.Delay(Backoff.Delay(attempt++, _retryInitialDelay, _retryMaxDelay), token).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    // Seen at the top of the loop.
                }
            }
            catch (Exception ex)
            {
                // A non-retriable refusal (IM_CONTENT_TOO_LARGE, IM_FORBIDDEN…): resending cannot help.
                entry.Completion.TrySetException(ex);
                return;
            }
        }
    }

    /// <summary>Removes a settled entry from the store; one left by disposal stays for the next session.</summary>
    private async Task ForgetIfSettledAsync(Entry entry)
    {
        if (Store is null || !entry.Stored.IsCompletedSuccessfully
            || (_stopping.IsCancellationRequested && !entry.Completion.Task.IsCompletedSuccessfully && !entry.CancellationToken.IsCancellationRequested))
        {
            return;
        }
        try
        {
            // CancellationToken.None on purpose: the outcome is settled, and a stale row would be sent again.
            await Store.RemoveSendAsync(StoreUserId!, entry.Request.ClientMsgId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // The row stays: the next session resends it with the same clientMsgId and the server
            // answers it as a duplicate (G2), so nothing is stored twice.
        }
    }

    private sealed class Entry(OutgoingMessage request, CancellationToken cancellationToken, bool holdsRoom, Task stored)
    {
        public bool HoldsRoom { get; } = holdsRoom;

        /// <summary>The store's write of this entry (completed at once without a store, or for restored ones).</summary>
        public Task Stored { get; } = stored;

        public OutgoingMessage Request { get; } = request;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<SendResult> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
