using ImSignalR.Client;
using ImSignalR.Contracts;
using ImSignalR.Client.Reliability;

namespace ImSignalR.UnitTests.Client;

/// <summary>An in-memory hub behind the SDK's reliability seam: a message store per chat, scripted failures.</summary>
internal sealed class FakeHub : IHubCalls, IHubCallsSource
{
    private readonly object _gate = new();
    private readonly Dictionary<string, List<ImMessage>> _store = new(StringComparer.Ordinal);
    private readonly HashSet<string> _delivered = new(StringComparer.Ordinal);
    private long _nextMsgId = 1000;

    public bool IsConnected { get; set; } = true;

    public string Me { get; init; } = "me";

    /// <summary>When set and returning an exception, a chat sync fails with it at once (a dead connection).</summary>
    public Func<Exception?>? ChatSyncFailure { get; set; }

    /// <summary>When set, chat syncs wait for it (to push while a sync runs).</summary>
    public TaskCompletionSource? SyncGate { get; set; }

    public Queue<Exception> SendFailures { get; } = new();

    public Queue<Exception> AckFailures { get; } = new();

    public List<SendRequest> SendAttempts { get; } = [];

    public List<string[]> AckBatches { get; } = [];

    public List<(string? ChatId, long? AfterSeq)> Syncs { get; } = [];

    public int MaxConcurrentSendsPerRecipient { get; private set; }

    private readonly Dictionary<string, int> _inFlight = new(StringComparer.Ordinal);

    public ValueTask<IHubCalls> WaitForConnectionAsync(CancellationToken cancellationToken) => ValueTask.FromResult<IHubCalls>(this);

    public ImMessage Store(string chatId, long seq, string from = "peer", string? to = null, string? clientMsgId = null)
    {
        var message = new ImMessage
        {
            MsgId = Interlocked.Increment(ref _nextMsgId).ToString(System.Globalization.CultureInfo.InvariantCulture),
            ClientMsgId = clientMsgId ?? $"c{seq}",
            ChatId = chatId,
            Seq = seq,
            FromUserId = from,
            ToUserId = to ?? Me,
            Content = $"{chatId}#{seq}",
            MsgFormat = 1,
            SendTime = seq,
            Status = 1,
        };
        lock (_gate)
        {
            if (!_store.TryGetValue(chatId, out var list))
            {
                _store[chatId] = list = [];
            }
            list.Add(message);
            list.Sort((a, b) => a.Seq.CompareTo(b.Seq));
        }
        return message;
    }

    public async Task<SendResult> SendC2CAsync(SendRequest request, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            SendAttempts.Add(request);
            _inFlight[request.ToUserId!] = _inFlight.GetValueOrDefault(request.ToUserId!) + 1;
            MaxConcurrentSendsPerRecipient = Math.Max(MaxConcurrentSendsPerRecipient, _inFlight[request.ToUserId!]);
        }
        try
        {
            await Task.Delay(2, cancellationToken);
            lock (_gate)
            {
                if (SendFailures.TryDequeue(out var failure))
                {
                    throw failure;
                }
                var chatId = "c2c:" + string.Join(':', new[] { Me, request.ToUserId }.Order(StringComparer.Ordinal));
                var existing = _store.GetValueOrDefault(chatId)?.FirstOrDefault(m => m.ClientMsgId == request.ClientMsgId && m.FromUserId == Me);
                if (existing is not null)
                {
                    return new SendResult { MsgId = existing.MsgId, ChatId = chatId, Seq = existing.Seq, ServerTime = 1, Duplicate = true };
                }
                var seq = (_store.GetValueOrDefault(chatId)?.LastOrDefault()?.Seq ?? 0) + 1;
                var stored = Store(chatId, seq, Me, request.ToUserId, request.ClientMsgId);
                return new SendResult { MsgId = stored.MsgId, ChatId = chatId, Seq = seq, ServerTime = 1, Duplicate = false };
            }
        }
        finally
        {
            lock (_gate)
            {
                _inFlight[request.ToUserId!]--;
            }
        }
    }

    public List<SendGroupRequest> GroupSendAttempts { get; } = [];

    /// <summary>A group send: the group's chat takes the next seq; a resend of an accepted clientMsgId answers the first result.</summary>
    public async Task<SendResult> SendGroupAsync(SendGroupRequest request, CancellationToken cancellationToken)
    {
        var chatId = "grp:" + request.GroupId;
        lock (_gate)
        {
            GroupSendAttempts.Add(request);
            _inFlight[chatId] = _inFlight.GetValueOrDefault(chatId) + 1;
            MaxConcurrentSendsPerRecipient = Math.Max(MaxConcurrentSendsPerRecipient, _inFlight[chatId]);
        }
        try
        {
            await Task.Delay(2, cancellationToken);
            lock (_gate)
            {
                if (SendFailures.TryDequeue(out var failure))
                {
                    throw failure;
                }
                var existing = _store.GetValueOrDefault(chatId)?.FirstOrDefault(m => m.ClientMsgId == request.ClientMsgId && m.FromUserId == Me);
                if (existing is not null)
                {
                    return new SendResult { MsgId = existing.MsgId, ChatId = chatId, Seq = existing.Seq, ServerTime = 1, Duplicate = true };
                }
                var seq = (_store.GetValueOrDefault(chatId)?.LastOrDefault()?.Seq ?? 0) + 1;
                var stored = StoreGroup(request.GroupId!, seq, Me, request.ClientMsgId);
                return new SendResult { MsgId = stored.MsgId, ChatId = chatId, Seq = seq, ServerTime = 1, Duplicate = false };
            }
        }
        finally
        {
            lock (_gate)
            {
                _inFlight[chatId]--;
            }
        }
    }

    /// <summary>Stores a group message (no recipient: read diffusion).</summary>
    public ImMessage StoreGroup(string groupId, long seq, string from = "peer", string? clientMsgId = null)
    {
        var message = Store("grp:" + groupId, seq, from, clientMsgId: clientMsgId) with { ToUserId = null, GroupId = groupId };
        lock (_gate)
        {
            var list = _store[message.ChatId];
            list[list.FindIndex(m => m.MsgId == message.MsgId)] = message;
        }
        return message;
    }

    public Task<AckResult> AckAsync(IReadOnlyList<string> msgIds, string status, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (AckFailures.TryDequeue(out var failure))
            {
                return Task.FromException<AckResult>(failure);
            }
            AckBatches.Add([.. msgIds]);
            _delivered.UnionWith(msgIds);
            return Task.FromResult(new AckResult { Acked = msgIds.Count });
        }
    }

    /// <summary>This user's read cursor per group, as <c>GetConversations</c> reports it.</summary>
    public Dictionary<string, long> GroupReadSeqs { get; } = new(StringComparer.Ordinal);

    public int ConversationCalls { get; private set; }

    public Task<IReadOnlyList<Conversation>> GetConversationsAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            ConversationCalls++;
            IReadOnlyList<Conversation> list = _store.Keys.Where(k => k.StartsWith("grp:", StringComparison.Ordinal))
                .Select(k => new Conversation { ChatId = k, GroupId = k[4..], LastSeq = _store[k][^1].Seq, ReadSeq = GroupReadSeqs.GetValueOrDefault(k), Unread = 0 })
                .ToArray();
            return Task.FromResult(list);
        }
    }

    public async Task<SyncResult> SyncAsync(string? chatId, long? afterSeq, int? limit, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Syncs.Add((chatId, afterSeq));
        }
        if (chatId is not null && ChatSyncFailure?.Invoke() is { } failure)
        {
            throw failure;
        }
        if (chatId is not null && SyncGate is { } gate)
        {
            await gate.Task.WaitAsync(cancellationToken);
        }
        lock (_gate)
        {
            var take = limit ?? 200;
            if (chatId is null)
            {
                var undelivered = _store.Values.SelectMany(l => l).Where(m => m.ToUserId == Me && !_delivered.Contains(m.MsgId)).ToList();
                return new SyncResult
                {
                    Messages = undelivered.Take(take).ToArray(),
                    HasMore = undelivered.Count > take,
                    MaxSeqByChat = _store.ToDictionary(p => p.Key, p => p.Value[^1].Seq),
                };
            }
            var after = _store.GetValueOrDefault(chatId)?.Where(m => m.Seq > (afterSeq ?? 0)).ToList() ?? [];
            return new SyncResult
            {
                Messages = after.Take(take).ToArray(),
                HasMore = after.Count > take,
                MaxSeqByChat = new Dictionary<string, long> { [chatId] = after.Count > 0 ? after[^1].Seq : afterSeq ?? 0 },
            };
        }
    }
}
