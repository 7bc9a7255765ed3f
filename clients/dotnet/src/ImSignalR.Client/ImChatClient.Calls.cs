using ImSignalR.Client.Connections;
using ImSignalR.Contracts;
using ImSignalR.Client.Reliability;

namespace ImSignalR.Client;

public sealed partial class ImChatClient
{
    /// <summary>
    /// Sends a message through the outbox and completes with the server's result once it is durable.
    /// A null <see cref="SendRequest.ClientMsgId"/> is assigned here (an empty one goes to the server, which refuses it), a null <see cref="SendRequest.MsgFormat"/> becomes 1 (text). The message is resent with the
    /// same clientMsgId after a lost connection, a timeout or a retriable error, until the server confirms
    /// it (a resend of an accepted message comes back with <see cref="SendResult.Duplicate"/> set); messages
    /// to one recipient are accepted in call order.
    /// </summary>
    /// <exception cref="ArgumentException"><see cref="SendRequest.ToUserId"/> or <see cref="SendRequest.Content"/> is null.</exception>
    /// <exception cref="ImServerException">The server refused the message for good (e.g. <c>IM_CONTENT_TOO_LARGE</c>).</exception>
    /// <exception cref="ImProtocolException">The server's answer does not fit the SDK's model (a server of another version).</exception>
    /// <exception cref="OperationCanceledException">Cancelled; if it was already sent once, it may have been accepted.</exception>
    /// <exception cref="ObjectDisposedException">The client was disposed before the server confirmed it.</exception>
    public async Task<SendResult> SendC2CAsync(SendRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        // The wire model leaves these optional (the hub answers a missing one with an IM_ code); the
        // outbox needs the recipient for its lane, so the SDK refuses them before anything is queued.
        if (request.ToUserId is null || request.Content is null)
        {
            throw new ArgumentException("A SendRequest needs ToUserId and Content.", nameof(request));
        }
        request = request with { ClientMsgId = request.ClientMsgId ?? Guid.NewGuid().ToString("N"), MsgFormat = request.MsgFormat ?? SendDefaults.MsgFormat };
        // Stored sends of the last session go first (per recipient, order is kept across restarts).
        // Already done once connected, so concurrent calls then keep their call order.
        var restored = _restored.Value;
        if (!restored.IsCompletedSuccessfully)
        {
            await restored.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        _inbox.ExpectOwn(request.ClientMsgId!);
        return await _outbox.SendAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends waiting in the outbox for the server's confirmation (with a
    /// <see cref="ImChatClientOptions.StateStore"/>: each is in the store, and survives a restart).</summary>
    public int PendingSends => _outbox.Count;

    /// <summary>Sends a text message (format 1); see <see cref="SendC2CAsync"/>.</summary>
    public Task<SendResult> SendTextAsync(string toUserId, string text, CancellationToken cancellationToken = default) =>
        SendC2CAsync(new SendRequest { ToUserId = toUserId, Content = text }, cancellationToken);

    /// <summary>Acks messages now (the client already acks <c>Delivered</c> by itself). Waits for a
    /// connection and retries after a lost one: acks are idempotent.</summary>
    /// <param name="msgIds">Messages to the caller.</param>
    /// <param name="status"><c>Delivered</c> or <c>Read</c>.</param>
    /// <param name="cancellationToken">Stops waiting.</param>
    /// <exception cref="ImServerException">The server refused (e.g. too many ids).</exception>
    public Task<AckResult> AckAsync(IReadOnlyList<string> msgIds, string status = "Delivered", CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(msgIds);
        return CallAsync((calls, ct) => calls.AckAsync(msgIds, status, ct), cancellationToken);
    }

    /// <summary>Marks messages read (implies delivered; the conversation's read seq moves up).</summary>
    /// <exception cref="ImServerException">The server refused.</exception>
    public Task<AckResult> MarkReadAsync(IReadOnlyList<string> msgIds, CancellationToken cancellationToken = default) =>
        AckAsync(msgIds, "Read", cancellationToken);

    /// <summary>Messages after <paramref name="afterSeq"/> in one conversation, or (no chat) every undelivered
    /// message plus the newest seq of each conversation. The client syncs by itself after each reconnect;
    /// this is for apps that want to look.</summary>
    /// <exception cref="ImServerException">The server refused (e.g. not a member of the conversation).</exception>
    public Task<SyncResult> SyncAsync(string? chatId = null, long? afterSeq = null, int? limit = null, CancellationToken cancellationToken = default) =>
        CallAsync((calls, ct) => calls.SyncAsync(chatId, afterSeq, limit, ct), cancellationToken);

    /// <summary>A page of messages older than <paramref name="beforeSeq"/> (the newest page without it), ascending.</summary>
    /// <exception cref="ImServerException">The server refused.</exception>
    public Task<HistoryResult> GetHistoryAsync(string chatId, long? beforeSeq = null, int? limit = null, CancellationToken cancellationToken = default) =>
        CallAsync((calls, ct) => calls.GetHistoryAsync(chatId, beforeSeq, limit, ct), cancellationToken);

    /// <summary>The caller's conversations with their last message and unread count.</summary>
    /// <exception cref="ImServerException">The server refused.</exception>
    public Task<IReadOnlyList<Conversation>> GetConversationsAsync(CancellationToken cancellationToken = default) =>
        CallAsync((calls, ct) => calls.GetConversationsAsync(ct), cancellationToken);

    /// <summary>Runs an idempotent call on the current connection, again on the next one if it is lost.</summary>
    private async Task<T> CallAsync<T>(Func<HubConnectionCalls, CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _started) == 0)
        {
            throw new ImConnectionException("Not connected: call ConnectAsync first.");
        }
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        while (true)
        {
            var calls = (HubConnectionCalls)await WaitForConnectionAsync(linked.Token).ConfigureAwait(false);
            try
            {
                return await call(calls, linked.Token).ConfigureAwait(false);
            }
            catch (ImConnectionException) when (!calls.IsConnected)
            {
                // Lost with the connection: try again on the next one.
            }
        }
    }

    /// <summary>Recalls one of this user's messages within the hub's recall window (default 2 minutes); idempotent.</summary>
    /// <exception cref="ImServerException"><c>IM_RECALL_WINDOW_PASSED</c>, <c>IM_FORBIDDEN</c> (not the sender), <c>IM_NOT_FOUND</c>.</exception>
    public Task<RecallResult> RecallAsync(string msgId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(msgId);
        return CallAsync((calls, ct) => calls.RecallAsync(msgId, ct), cancellationToken);
    }

    /// <summary>Blocks <paramref name="userId"/>: their sends to this user fail with <c>IM_BLOCKED</c> (idempotent).</summary>
    /// <exception cref="ImServerException">The server refused (e.g. an invalid id, yourself, too many blocks).</exception>
    public Task<BlockResult> BlockAsync(string userId, CancellationToken cancellationToken = default) =>
        CallAsync((calls, ct) => calls.SetBlockedAsync(userId, blocked: true, ct), cancellationToken);

    /// <summary>Unblocks <paramref name="userId"/> (idempotent).</summary>
    /// <exception cref="ImServerException">The server refused.</exception>
    public Task<BlockResult> UnblockAsync(string userId, CancellationToken cancellationToken = default) =>
        CallAsync((calls, ct) => calls.SetBlockedAsync(userId, blocked: false, ct), cancellationToken);

    /// <summary>The users this user blocked, oldest first.</summary>
    public async Task<IReadOnlyList<string>> GetBlockedUsersAsync(CancellationToken cancellationToken = default) =>
        (await CallAsync((calls, ct) => calls.GetBlockedUsersAsync(ct), cancellationToken).ConfigureAwait(false)).UserIds;

    /// <summary>
    /// Tells the peer of <paramref name="chatId"/> that this user is typing; call it on every keystroke. Throttled here to
    /// one per chat per 2 s (the hub drops more anyway), and best effort: nothing is sent while disconnected, and a
    /// failure is ignored.
    /// </summary>
    public void NotifyTyping(string chatId)
    {
        ArgumentException.ThrowIfNullOrEmpty(chatId);
        var now = Environment.TickCount64;
        lock (_typingSentAt)
        {
            if (_typingSentAt.TryGetValue(chatId, out var last) && now - last < TypingIntervalMs)
            {
                return;
            }
            if (_typingSentAt.Count >= 1000)
            {
                _typingSentAt.Clear();
            }
            _typingSentAt[chatId] = now;
        }
        if (Volatile.Read(ref _current) is { IsConnected: true } calls)
        {
            _ = calls.TypingAsync(chatId, CancellationToken.None).ContinueWith(static t => _ = t.Exception, CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted | TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }
    }

    /// <summary>Online state and last-seen time of up to 200 users; people this user has no conversation with always read offline.</summary>
    /// <exception cref="ImServerException">The server refused (e.g. more than 200 ids).</exception>
    public Task<IReadOnlyList<PresenceInfo>> GetPresenceAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        return CallAsync((calls, ct) => calls.GetPresenceAsync(userIds, ct), cancellationToken);
    }
}
