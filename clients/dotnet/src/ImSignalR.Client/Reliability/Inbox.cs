using ImSignalR.Contracts;

namespace ImSignalR.Client.Reliability;

/// <summary>
/// Turns at-least-once, possibly out-of-order pushes plus syncs into "each message once, in seq order
/// per conversation" (SPEC G3–G5).
/// <list type="bullet">
/// <item>Each conversation has a <c>LastSeq</c>: a push with seq <c>LastSeq + 1</c> is released at
/// once; one further ahead waits in <c>Pending</c> and starts a sync of that conversation from
/// <c>LastSeq</c>; a push at or below <c>LastSeq</c>, or a msgId seen recently, is a repeat.</item>
/// <item>While a conversation syncs, or while the whole inbox resyncs after a (re)connect, pushes are
/// only buffered; the sync releases them in seq order together with what it fetched.</item>
/// <item>A seq missing from a sync page (between <c>LastSeq</c> and a message of the page, or between two of
/// its messages) is not skipped at once: seqs are allocated before the commit and hub nodes commit
/// independently, so it may still be in flight. The messages above it wait in <c>Pending</c> and the
/// conversation is fetched again after each of the hole retry delays; a push, own send or page that fills
/// the hole releases everything in order at once. A hole still there after the last delay is a jump
/// forward (G3) and is skipped. A hole above everything the store returned is handled the same way.</item>
/// <item>Messages this client sent take seqs too; they are recorded but never handed to the app.</item>
/// </list>
/// Release happens under the lock into <c>release</c>, which must not block (an unbounded queue).
/// </summary>
internal sealed partial class Inbox
{
    /// <summary>First delay after a failed background sync; it doubles up to <see cref="SyncRetryMaxDelay"/>.</summary>
    internal static readonly TimeSpan SyncRetryInitialDelay = TimeSpan.FromMilliseconds(250);

    /// <summary>Ceiling of the delay between failed background syncs of one conversation.</summary>
    internal static readonly TimeSpan SyncRetryMaxDelay = TimeSpan.FromSeconds(10);

    private readonly object _gate = new();
    private readonly Dictionary<string, ChatState> _chats = new(StringComparer.Ordinal);
    private readonly RecentIds _seen;
    private readonly RecentIds _ownClientMsgIds;
    private readonly IHubCallsSource _source;
    private readonly Action<ImMessage> _release;
    private readonly Action<ImMessage> _repeat;
    private readonly Func<string?> _currentUser;
    private readonly int _pageSize;
    private readonly TimeSpan[] _holeRetryDelays;
    private readonly CancellationToken _stopping;
    private bool _resyncing;

    public Inbox(InboxSettings settings, IHubCallsSource source, Action<ImMessage> release, Action<ImMessage> repeat, Func<string?> currentUser, CancellationToken stopping)
    {
        _seen = new RecentIds(settings.DedupeCapacity);
        _ownClientMsgIds = new RecentIds(settings.DedupeCapacity);
        _pageSize = settings.SyncPageSize;
        _holeRetryDelays = settings.HoleRetryDelays;
        _source = source;
        _release = release;
        _repeat = repeat;
        _currentUser = currentUser;
        _stopping = stopping;
    }

    /// <summary>Waits until the release queue has room; every sync page waits here first (the queue's bound).</summary>
    public Func<CancellationToken, ValueTask> WaitForRoom { get; init; } = static _ => ValueTask.CompletedTask;

    /// <summary>State from the client's store: each conversation starts at its stored cursor (the sync
    /// fetches only what is newer) and the dedupe window holds the stored msgIds.</summary>
    public void Restore(IReadOnlyDictionary<string, long> cursors, IReadOnlyList<string> seenMsgIds)
    {
        lock (_gate)
        {
            foreach (var (chatId, seq) in cursors)
            {
                var chat = Chat(chatId);
                chat.Known = true;
                chat.LastSeq = Math.Max(chat.LastSeq, seq);
            }
            foreach (var id in seenMsgIds)
            {
                _seen.Add(id);
            }
        }
    }

    /// <summary>Raised when a sync task fails in a way nobody awaits (for diagnostics).</summary>
    public event Action<Exception>? SyncFailed;

    /// <summary>The newest seq released per conversation (a copy).</summary>
    public IReadOnlyDictionary<string, long> LastSeqByChat
    {
        get
        {
            lock (_gate)
            {
                return _chats.Values.Where(c => c.Known).ToDictionary(c => c.ChatId, c => c.LastSeq, StringComparer.Ordinal);
            }
        }
    }

    /// <summary>A <c>ReceiveC2C</c> or <c>ReceiveGroup</c> push, in the order the connection delivered it
    /// (a group is one more conversation, <c>grp:{groupId}</c>, with its own seq).</summary>
    public void OnPush(ImMessage message)
    {
        ChatState? syncNow = null;
        lock (_gate)
        {
            var chat = Chat(message.ChatId);
            if (_seen.Contains(message.MsgId) || (chat.Known && message.Seq <= chat.LastSeq))
            {
                // The server re-pushes until a Delivered ack arrives: ack the repeat again.
                _repeat(message);
                return;
            }
            if (chat.Pending.ContainsKey(message.Seq))
            {
                // Waiting for release; it is acked when released.
                return;
            }
            chat.Pending[message.Seq] = message;
            if (!_resyncing && chat.Syncing)
            {
                EndHoleWaitIfFilled(chat);
            }
            else if (!_resyncing && !ReleaseInOrder(chat))
            {
                chat.Syncing = true;
                syncNow = chat;
            }
        }
        if (syncNow is not null)
        {
            _ = SyncChatInBackgroundAsync(syncNow);
        }
    }

    /// <summary>The server accepted a message this client sent: it takes its seq without reaching the app.</summary>
    public void OnOwnSend(string clientMsgId, SendResult result)
    {
        ChatState? syncNow = null;
        lock (_gate)
        {
            _ownClientMsgIds.Add(clientMsgId);
            _seen.Add(result.MsgId);
            var chat = Chat(result.ChatId);
            if (chat.Known && result.Seq <= chat.LastSeq)
            {
                return;
            }
            chat.Pending.TryAdd(result.Seq, null);
            if (!_resyncing && chat.Syncing)
            {
                EndHoleWaitIfFilled(chat);
            }
            else if (!_resyncing && !ReleaseInOrder(chat))
            {
                chat.Syncing = true;
                syncNow = chat;
            }
        }
        if (syncNow is not null)
        {
            _ = SyncChatInBackgroundAsync(syncNow);
        }
    }

    /// <summary>Remembers a clientMsgId before its first send, so a sync racing the send's result
    /// does not hand our own message to the app.</summary>
    public void ExpectOwn(string clientMsgId)
    {
        lock (_gate)
        {
            _ownClientMsgIds.Add(clientMsgId);
        }
    }

    /// <summary>The connection is gone: buffer every push until the next full sync has run.</summary>
    public void BeginResync()
    {
        lock (_gate)
        {
            _resyncing = true;
        }
    }

    private ChatState Chat(string chatId)
    {
        if (!_chats.TryGetValue(chatId, out var chat))
        {
            // Outside a resync a conversation we never heard of is new since our last sync: it
            // starts at seq 1. During a resync its baseline comes from the sync.
            chat = new ChatState(chatId) { Known = !_resyncing };
            _chats[chatId] = chat;
        }
        return chat;
    }

    /// <summary>A sync waiting out a hole: releases what is contiguous now and, when that filled the hole, ends the
    /// wait (the sync then reads on from the new LastSeq, or stops when nothing is left).</summary>
    private void EndHoleWaitIfFilled(ChatState chat)
    {
        if (chat.HoleFilled is not { } filled)
        {
            return;
        }
        var before = chat.LastSeq;
        if (ReleaseInOrder(chat) || chat.LastSeq > before)
        {
            chat.HoleFilled = null;
            filled.TrySetResult();
        }
    }

    /// <summary>Releases Pending from LastSeq + 1 while contiguous; false when a hole is left.</summary>
    private bool ReleaseInOrder(ChatState chat)
    {
        while (chat.Pending.Count > 0)
        {
            var (seq, message) = chat.Pending.First();
            if (seq <= chat.LastSeq)
            {
                chat.Pending.Remove(seq);
                continue;
            }
            if (seq != chat.LastSeq + 1)
            {
                return false;
            }
            chat.Pending.Remove(seq);
            chat.LastSeq = seq;
            Release(message);
        }
        return true;
    }

    /// <summary>Releases Pending below <paramref name="seq"/> in order, skipping holes.</summary>
    private void ReleaseBelow(ChatState chat, long seq)
    {
        while (chat.Pending.Count > 0)
        {
            var (first, message) = chat.Pending.First();
            if (first >= seq)
            {
                return;
            }
            chat.Pending.Remove(first);
            if (first > chat.LastSeq)
            {
                chat.LastSeq = first;
                Release(message);
            }
        }
    }

    private void Release(ImMessage? message)
    {
        if (message is null || !_seen.Add(message.MsgId))
        {
            return;
        }
        var user = _currentUser();
        if (_ownClientMsgIds.Contains(message.ClientMsgId) && (user is null || message.FromUserId == user))
        {
            // Sent by this client: the app has the result of its own SendC2CAsync already.
            return;
        }
        _release(message);
    }
}
