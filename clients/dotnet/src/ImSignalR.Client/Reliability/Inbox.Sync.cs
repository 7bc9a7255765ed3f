using ImSignalR.Contracts;

namespace ImSignalR.Client.Reliability;

internal sealed partial class Inbox
{
    /// <summary>
    /// The sync after every (re)connect: <c>SyncMessages</c> without a chat gives the undelivered
    /// messages and the newest seq of each conversation; every conversation that is behind (or has
    /// buffered pushes) is then synced from its <c>LastSeq</c>, page by page. A conversation first
    /// seen here starts just below its oldest undelivered message, or at its newest seq when nothing
    /// waits for us (older messages are history, not news). Buffered pushes are released at the end.
    /// </summary>
    public async Task ResyncAsync(IHubCalls calls, Func<CancellationToken, Task> flushAcks, int maxRounds, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _resyncing = true;
        }
        for (var round = 0; round < maxRounds; round++)
        {
            await WaitForRoom(cancellationToken).ConfigureAwait(false);
            var overview = await calls.SyncAsync(null, null, _pageSize, cancellationToken).ConfigureAwait(false);
            var groupStarts = await NewGroupStartsAsync(calls, overview, cancellationToken).ConfigureAwait(false);
            var behind = new List<ChatState>();
            lock (_gate)
            {
                var oldestUndelivered = overview.Messages
                    .GroupBy(m => m.ChatId, StringComparer.Ordinal)
                    .ToDictionary(g => g.Key, g => g.Min(m => m.Seq), StringComparer.Ordinal);
                // With more undelivered messages than a page, a new conversation missing from this page
                // may still have some: its baseline waits for a later round (acks move the page on).
                var lastRound = !overview.HasMore || round == maxRounds - 1;
                foreach (var (chatId, maxSeq) in overview.MaxSeqByChat)
                {
                    var chat = Chat(chatId);
                    if (!chat.Known)
                    {
                        if (groupStarts.TryGetValue(chatId, out var readSeq))
                        {
                            chat.LastSeq = Math.Min(readSeq, maxSeq);
                        }
                        else if (oldestUndelivered.TryGetValue(chatId, out var oldest))
                        {
                            chat.LastSeq = Math.Min(oldest - 1, maxSeq);
                        }
                        else if (lastRound)
                        {
                            chat.LastSeq = maxSeq;
                        }
                        else
                        {
                            continue;
                        }
                        chat.Known = true;
                    }
                    if (maxSeq > chat.LastSeq || chat.Pending.Count > 0)
                    {
                        behind.Add(chat);
                    }
                }
                foreach (var chat in _chats.Values.Where(c => !c.Known && !overview.MaxSeqByChat.ContainsKey(c.ChatId)))
                {
                    // Pushed during the resync but not in the overview: created after it, starts at 1.
                    chat.Known = true;
                    behind.Add(chat);
                }
                foreach (var chat in _chats.Values.Where(c => c.Known && c.Pending.Count > 0 && !behind.Contains(c)))
                {
                    behind.Add(chat);
                }
                foreach (var chat in behind)
                {
                    chat.Syncing = true;
                }
            }
            foreach (var chat in behind)
            {
                try
                {
                    // A hole is not waited out here: EndResync hands it to a background sync.
                    await SyncChatAsync(calls, chat, cancellationToken, waitForHoles: false).ConfigureAwait(false);
                }
                finally
                {
                    lock (_gate)
                    {
                        chat.Syncing = false;
                    }
                }
            }
            if (!overview.HasMore)
            {
                break;
            }
            // More undelivered messages than one page: the overview pages by acking, so flush ours first.
            await flushAcks(cancellationToken).ConfigureAwait(false);
        }
        EndResync();
    }

    /// <summary>
    /// Where each group first seen in <paramref name="overview"/> starts: this user's read cursor there. A new C2C
    /// chat starts below its undelivered messages, but a group has none (read diffusion keeps no delivery state), so
    /// without this a new device or a group joined while away would skip its unread messages.
    /// </summary>
    private async Task<Dictionary<string, long>> NewGroupStartsAsync(IHubCalls calls, SyncResult overview, CancellationToken cancellationToken)
    {
        var starts = new Dictionary<string, long>(StringComparer.Ordinal);
        lock (_gate)
        {
            if (!overview.MaxSeqByChat.Keys.Any(id => id.StartsWith("grp:", StringComparison.Ordinal) && !(_chats.TryGetValue(id, out var c) && c.Known)))
            {
                return starts;
            }
        }
        foreach (var conversation in await calls.GetConversationsAsync(cancellationToken).ConfigureAwait(false))
        {
            if (conversation.GroupId is not null)
            {
                starts[conversation.ChatId] = conversation.ReadSeq;
            }
        }
        return starts;
    }

    /// <summary>
    /// The hub's newest seq per conversation (an overview): each known group whose cursor is behind and that is not
    /// syncing already is synced in the background. A push lost at the end of a group leaves no gap to see.
    /// </summary>
    public void SyncGroupsBehind(IReadOnlyDictionary<string, long> maxSeqByChat)
    {
        var behind = new List<ChatState>();
        lock (_gate)
        {
            if (_resyncing)
            {
                return;
            }
            foreach (var (chatId, maxSeq) in maxSeqByChat)
            {
                if (chatId.StartsWith("grp:", StringComparison.Ordinal) && _chats.TryGetValue(chatId, out var chat)
                    && chat.Known && !chat.Syncing && maxSeq > chat.LastSeq)
                {
                    chat.Syncing = true;
                    behind.Add(chat);
                }
            }
        }
        foreach (var chat in behind)
        {
            _ = SyncChatInBackgroundAsync(chat);
        }
    }

    /// <summary>Whether any group conversation is known (the tail check has nothing to do otherwise).</summary>
    public bool HasGroups
    {
        get
        {
            lock (_gate)
            {
                return _chats.Keys.Any(id => id.StartsWith("grp:", StringComparison.Ordinal));
            }
        }
    }

    /// <summary>Ends a resync that could not finish (a refusal that will not change): releases what is buffered.</summary>
    public void EndResync()
    {
        var holes = new List<ChatState>();
        lock (_gate)
        {
            _resyncing = false;
            foreach (var chat in _chats.Values)
            {
                chat.Known = true;
                if (!chat.Syncing && !ReleaseInOrder(chat))
                {
                    chat.Syncing = true;
                    holes.Add(chat);
                }
            }
        }
        foreach (var chat in holes)
        {
            _ = SyncChatInBackgroundAsync(chat);
        }
    }

    private async Task SyncChatInBackgroundAsync(ChatState chat)
    {
        var failed = false;
        try
        {
            var calls = await _source.WaitForConnectionAsync(_stopping).ConfigureAwait(false);
            await SyncChatAsync(calls, chat, _stopping).ConfigureAwait(false);
            lock (_gate)
            {
                chat.SyncFailures = 0;
            }
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            return;
        }
        catch (Exception ex) when (RetryableFailure.IsTransport(ex) || RetryableFailure.IsRetriableServer(ex))
        {
            // The connection is going or gone: the resync after the reconnect covers this conversation.
            SyncFailed?.Invoke(ex);
            failed = true;
        }
        catch (Exception ex)
        {
            // Refused for good: do not hold messages back forever; release what we have, in order.
            SyncFailed?.Invoke(ex);
            lock (_gate)
            {
                ReleaseBelow(chat, long.MaxValue);
            }
        }
        finally
        {
            lock (_gate)
            {
                chat.Syncing = false;
            }
        }
        if (failed && !await BackOffAfterFailedSyncAsync(chat).ConfigureAwait(false))
        {
            return;
        }
        bool again;
        lock (_gate)
        {
            // Pushes that came during the sync may have opened a new hole.
            again = !_resyncing && !chat.Syncing && !ReleaseInOrder(chat);
            if (again)
            {
                chat.Syncing = true;
            }
        }
        if (again)
        {
            _ = SyncChatInBackgroundAsync(chat);
        }
    }

    /// <summary>
    /// Waits a growing delay after a failed background sync before the hole is looked at again: a call
    /// that fails at once (the connection dropped before the client noticed) must not turn into a loop
    /// of syncs. False when the inbox is stopping.
    /// </summary>
    private async Task<bool> BackOffAfterFailedSyncAsync(ChatState chat)
    {
        int failures;
        lock (_gate)
        {
            failures = chat.SyncFailures++;
        }
        try
        {
            await Task.Delay(Backoff.Delay(failures, SyncRetryInitialDelay, SyncRetryMaxDelay), _stopping).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>
    /// Fetches the conversation after LastSeq until the store has no more, releasing in order. What lies above a
    /// hole waits in Pending: with <paramref name="waitForHoles"/> the hole is fetched again after each retry delay
    /// (a push or own send that fills it ends the wait at once) and skipped as a seq jump after the last; without
    /// it (the resync, which must not hold back the other conversations) a hole is left for the background sync
    /// that <see cref="EndResync"/> starts.
    /// </summary>
    private async Task SyncChatAsync(IHubCalls calls, ChatState chat, CancellationToken cancellationToken, bool waitForHoles = true)
    {
        var holeRetries = 0;
        while (true)
        {
            long afterSeq;
            lock (_gate)
            {
                afterSeq = chat.LastSeq;
            }
            // Pages after a hole are read only once it is resolved, so what waits in Pending stays one page.
            bool more;
            while (true)
            {
                await WaitForRoom(cancellationToken).ConfigureAwait(false);
                var pageAfter = afterSeq;
                var page = await calls.SyncAsync(chat.ChatId, afterSeq, _pageSize, cancellationToken).ConfigureAwait(false);
                lock (_gate)
                {
                    foreach (var message in page.Messages.OrderBy(m => m.Seq))
                    {
                        afterSeq = Math.Max(afterSeq, message.Seq);
                        if (message.Seq <= chat.LastSeq)
                        {
                            continue;
                        }
                        if (_seen.Contains(message.MsgId) && IsToMe(message) && message.Status < DeliveredStatus)
                        {
                            _repeat(message);
                        }
                        // A held push (or our own send's placeholder) of this seq stays; Release drops repeats by msgId.
                        chat.Pending.TryAdd(message.Seq, message);
                    }
                    // Page on from the newest message read, not LastSeq: a hole may keep LastSeq below the page.
                    afterSeq = Math.Max(afterSeq, chat.LastSeq);
                    // A page that did not move on (nothing newer came back) ends the paging: never loop on it.
                    more = page.HasMore && afterSeq > pageAfter;
                    if (!ReleaseInOrder(chat) && chat.Pending.Keys.First() <= afterSeq)
                    {
                        break; // a hole in this page
                    }
                }
                if (!more)
                {
                    break;
                }
            }
            TaskCompletionSource filled;
            lock (_gate)
            {
                if (ReleaseInOrder(chat))
                {
                    if (more)
                    {
                        holeRetries = 0;
                        continue;
                    }
                    return;
                }
                if (!waitForHoles)
                {
                    return;
                }
                if (holeRetries >= _holeRetryDelays.Length)
                {
                    // The store still lacks the seqs below the held messages: a jump forward (G3).
                    TakeJump(chat, afterSeq);
                    if (more || chat.Pending.Count > 0)
                    {
                        holeRetries = 0;
                        continue;
                    }
                    return;
                }
                filled = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                chat.HoleFilled = filled;
            }
            try
            {
                await filled.Task.WaitAsync(_holeRetryDelays[holeRetries++], cancellationToken).ConfigureAwait(false);
                // A push or own send filled the hole: done when nothing is held or left to read, else read on now.
                lock (_gate)
                {
                    if (chat.Pending.Count == 0 && !more)
                    {
                        return;
                    }
                }
                holeRetries = 0;
            }
            catch (TimeoutException)
            {
                // Not filled yet: fetch again.
            }
            finally
            {
                lock (_gate)
                {
                    if (chat.HoleFilled == filled)
                    {
                        chat.HoleFilled = null;
                    }
                }
            }
        }
    }

    /// <summary>
    /// Skips the hole that outlasted the rounds, releasing only what lies at or below <paramref name="readTop"/>, the
    /// newest seq this sync read, and what follows it contiguously. A held push above that may sit above another gap
    /// the store can still fill (pushes lost in a socket cut, or a page that ended first): releasing it too would move
    /// the cursor past messages the store has, and their later pushes would be dropped as already seen (G5). Only when
    /// the store returned none of the held messages through every round are they all released at once.
    /// </summary>
    private void TakeJump(ChatState chat, long readTop)
    {
        var before = chat.LastSeq;
        ReleaseBelow(chat, readTop + 1);
        if (chat.LastSeq == before)
        {
            ReleaseBelow(chat, long.MaxValue);
            return;
        }
        ReleaseInOrder(chat);
    }

    private const int DeliveredStatus = 3;

    // A group message is never "to me": read diffusion keeps no per-member delivery state to ack.
    private bool IsToMe(ImMessage message)
    {
        var user = _currentUser();
        return message.GroupId is null && (user is null || message.ToUserId == user);
    }
}
