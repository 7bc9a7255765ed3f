using System.Collections.Concurrent;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.IntegrationTests.RocketMq;

/// <summary>
/// An idempotent in-memory <see cref="IMessageStore"/> that records what the persistence consumer applies:
/// each MessageSent is stored once by msgId (a redelivery counts in <see cref="Redeliveries"/> and changes nothing).
/// Besides the write path it answers reads by id and by chat (the read-your-writes tests); other reads are unused.
/// </summary>
internal sealed class RecordingMessageStore : IMessageStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<long, ChatMessage> _messages = [];
    private readonly Dictionary<string, List<long>> _seqsByChat = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, int> _effective = new();

    /// <summary>Runs before each batch is applied; a test uses it to block or fail.</summary>
    public Func<IReadOnlyList<LogEvent>, CancellationToken, Task>? BeforeApply { get; set; }

    public int Redeliveries { get; private set; }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _messages.Count;
            }
        }
    }

    public IReadOnlyDictionary<long, int> EffectiveApplies => _effective;

    public IReadOnlyList<long> SeqsOf(string chatId)
    {
        lock (_lock)
        {
            return _seqsByChat.TryGetValue(chatId, out var seqs) ? [.. seqs] : [];
        }
    }

    public HashSet<long> MsgIds()
    {
        lock (_lock)
        {
            return [.. _messages.Keys];
        }
    }

    public async Task<IReadOnlyList<AppendOutcome>> ApplyAsync(IReadOnlyList<LogEvent> events, CancellationToken cancellationToken)
    {
        if (BeforeApply is { } hook)
        {
            await hook(events, cancellationToken);
        }
        var outcomes = new List<AppendOutcome>(events.Count);
        lock (_lock)
        {
            foreach (var e in events)
            {
                if (e is MessageSent sent)
                {
                    if (_messages.ContainsKey(sent.Message.MsgId))
                    {
                        Redeliveries++;
                    }
                    else
                    {
                        _messages[sent.Message.MsgId] = sent.Message;
                        _effective.AddOrUpdate(sent.Message.MsgId, 1, (_, n) => n + 1);
                        if (!_seqsByChat.TryGetValue(sent.ChatId, out var seqs))
                        {
                            seqs = _seqsByChat[sent.ChatId] = [];
                        }
                        seqs.Add(sent.Message.Seq);
                    }
                }
                outcomes.Add(AppendOutcome.Appended);
            }
        }
        return outcomes;
    }

    public Task<ChatMessage?> FindByClientMsgIdAsync(string fromUserId, string clientMsgId, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<IReadOnlyList<ChatMessage>> GetByIdsAsync(IReadOnlyCollection<long> msgIds, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ChatMessage>>(msgIds.Distinct().Where(_messages.ContainsKey).Select(id => _messages[id]).ToList());
        }
    }

    public Task<IReadOnlyList<ChatMessage>> GetAfterSeqAsync(string chatId, long afterSeq, int limit, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            return Task.FromResult<IReadOnlyList<ChatMessage>>(_messages.Values
                .Where(m => m.ChatId == chatId && m.Seq > afterSeq).OrderBy(m => m.Seq).Take(limit).ToList());
        }
    }
    public Task<IReadOnlyList<ChatMessage>> GetBeforeSeqAsync(string chatId, long beforeSeq, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<IReadOnlyList<ChatMessage>> GetUndeliveredAsync(string toUserId, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<IReadOnlyList<ConversationView>> GetConversationsAsync(string userId, int limit, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<IReadOnlyDictionary<string, long>> GetLastSeqByChatAsync(string userId, CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task<long> GetMaxSeqAsync(string chatId, CancellationToken cancellationToken) => throw new NotSupportedException();

    public Task<bool> HasAnyMessageAsync(CancellationToken cancellationToken) => throw new NotSupportedException();
    public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
