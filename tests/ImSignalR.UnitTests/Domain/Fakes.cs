using System.Collections.Concurrent;
using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.UnitTests.Domain;

/// <summary>An in-memory store that records applied events; enough of IMessageStore for service tests.</summary>
internal sealed class FakeStore : IMessageStore
{
    public ConcurrentDictionary<long, ChatMessage> Messages { get; } = new();
    public List<LogEvent> Applied { get; } = [];
    public Func<LogEvent, AppendOutcome?>? Override { get; set; }
    public bool Down { get; set; }

    public Task<IReadOnlyList<AppendOutcome>> ApplyAsync(IReadOnlyList<LogEvent> events, CancellationToken cancellationToken)
    {
        if (Down)
        {
            throw new ImException(ImErrorCode.StoreUnavailable, "down");
        }
        var outcomes = new List<AppendOutcome>();
        lock (Applied)
        {
            foreach (var e in events)
            {
                if (Override?.Invoke(e) is { } forced)
                {
                    outcomes.Add(forced);
                    continue;
                }
                if (e is MessageSent sent && Clash(sent.Message) is { } clash)
                {
                    // The store's unique keys, as SPEC §7 has them.
                    outcomes.Add(clash);
                    continue;
                }
                Applied.Add(e);
                switch (e)
                {
                    case MessageSent s:
                        Messages[s.Message.MsgId] = s.Message;
                        break;
                    case MessagesAcked a:
                        foreach (var id in a.MsgIds)
                        {
                            if (Messages.TryGetValue(id, out var m) && m.Status < a.Status)
                            {
                                Messages[id] = m with { Status = a.Status };
                            }
                        }
                        break;
                    case MessageRecalled r:
                        if (Messages.TryGetValue(r.MsgId, out var rec) && rec.FromUserId == r.FromUserId)
                        {
                            Messages[r.MsgId] = rec with { Content = string.Empty, Ext = null, Recalled = true };
                        }
                        break;
                    case MessageOffline o:
                        if (Messages.TryGetValue(o.Message.MsgId, out var off) && off.Status < MessageStatus.Offline)
                        {
                            Messages[off.MsgId] = off with { Status = MessageStatus.Offline };
                        }
                        break;
                }
                outcomes.Add(AppendOutcome.Appended);
            }
        }
        return Task.FromResult<IReadOnlyList<AppendOutcome>>(outcomes);
    }

    private AppendOutcome? Clash(ChatMessage message)
    {
        if (Messages.ContainsKey(message.MsgId))
        {
            return AppendOutcome.DuplicateOf(Messages[message.MsgId]);
        }
        var sameKey = Messages.Values.FirstOrDefault(m => m.FromUserId == message.FromUserId && m.ClientMsgId == message.ClientMsgId);
        if (sameKey is not null)
        {
            return AppendOutcome.DuplicateOf(sameKey);
        }
        return Messages.Values.Any(m => m.ChatId == message.ChatId && m.Seq == message.Seq) ? AppendOutcome.Conflict : null;
    }

    public Task<ChatMessage?> FindByClientMsgIdAsync(string fromUserId, string clientMsgId, CancellationToken cancellationToken) =>
        Task.FromResult(Messages.Values.FirstOrDefault(m => m.FromUserId == fromUserId && m.ClientMsgId == clientMsgId));

    /// <summary>The ids each <see cref="GetByIdsAsync"/> call asked for.</summary>
    public List<long[]> ByIdReads { get; } = [];

    public Task<IReadOnlyList<ChatMessage>> GetByIdsAsync(IReadOnlyCollection<long> msgIds, CancellationToken cancellationToken)
    {
        ByIdReads.Add([.. msgIds]);
        return Task.FromResult<IReadOnlyList<ChatMessage>>(msgIds.Where(Messages.ContainsKey).Select(id => Messages[id]).ToList());
    }

    public Task<IReadOnlyList<ChatMessage>> GetAfterSeqAsync(string chatId, long afterSeq, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ChatMessage>>(Messages.Values.Where(m => m.ChatId == chatId && m.Seq > afterSeq).OrderBy(m => m.Seq).Take(limit).ToList());

    public Task<IReadOnlyList<ChatMessage>> GetBeforeSeqAsync(string chatId, long beforeSeq, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ChatMessage>>(Messages.Values.Where(m => m.ChatId == chatId && m.Seq < beforeSeq).OrderByDescending(m => m.Seq).Take(limit).OrderBy(m => m.Seq).ToList());

    public Task<IReadOnlyList<ChatMessage>> GetUndeliveredAsync(string toUserId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ChatMessage>>(Messages.Values.Where(m => m.ToUserId == toUserId && m.Status < MessageStatus.Delivered).OrderBy(m => m.ChatId).ThenBy(m => m.Seq).Take(limit).ToList());

    public Task<IReadOnlyList<ConversationView>> GetConversationsAsync(string userId, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<ConversationView>>([]);

    public Task<IReadOnlyDictionary<string, long>> GetLastSeqByChatAsync(string userId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyDictionary<string, long>>(Messages.Values.Where(m => m.ToUserId == userId || m.FromUserId == userId)
            .GroupBy(m => m.ChatId).ToDictionary(g => g.Key, g => g.Max(m => m.Seq)));

    public Task<bool> HasAnyMessageAsync(CancellationToken cancellationToken) => Task.FromResult(!Messages.IsEmpty);

    public Task<long> GetMaxSeqAsync(string chatId, CancellationToken cancellationToken) =>
        Task.FromResult(Messages.Values.Where(m => m.ChatId == chatId).Select(m => m.Seq).DefaultIfEmpty(0).Max());

    public Task PingAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>A log that applies straight to a <see cref="FakeStore"/> (or fails on demand).</summary>
internal sealed class FakeLog(FakeStore store) : IMessageLog
{
    public bool Down { get; set; }

    /// <summary>Runs as an event reaches the log, before it is durable.</summary>
    public Func<LogEvent, Task>? OnAppend { get; set; }

    /// <summary>What the log stores instead of the event it was given, as a log that moved a send to another seq.</summary>
    public Func<LogEvent, LogEvent>? Rewrite { get; set; }

    public async ValueTask<AppendOutcome> AppendAsync(LogEvent logEvent, CancellationToken cancellationToken)
    {
        if (OnAppend is { } hook)
        {
            await hook(logEvent);
        }
        if (Down)
        {
            throw new ImException(ImErrorCode.LogUnavailable, "broker away");
        }
        var stored = Rewrite?.Invoke(logEvent) ?? logEvent;
        var outcome = (await store.ApplyAsync([stored], cancellationToken))[0];
        return stored is MessageSent moved && !ReferenceEquals(stored, logEvent) && outcome.Status == AppendStatus.Appended
            ? AppendOutcome.AppendedAs(moved.Message)
            : outcome;
    }
}

/// <summary>Records pushes.</summary>
internal sealed class RecordingPusher : IMessagePusher
{
    public ConcurrentQueue<ImMessage> ToRecipient { get; } = new();
    public ConcurrentQueue<ImMessage> ToSender { get; } = new();
    public ConcurrentQueue<MessageStatusUpdate> Statuses { get; } = new();
    public ConcurrentQueue<(string To, TypingNotice Typing)> Typing { get; } = new();

    public ConcurrentQueue<(IReadOnlyList<string> To, MessageRecall Recalled)> Recalled { get; } = new();

    public Task PushRecalledAsync(IReadOnlyList<string> userIds, MessageRecall recalled, CancellationToken cancellationToken)
    {
        Recalled.Enqueue((userIds, recalled));
        return Task.CompletedTask;
    }

    public Task PushTypingAsync(string toUserId, TypingNotice typing, CancellationToken cancellationToken)
    {
        Typing.Enqueue((toUserId, typing));
        return Task.CompletedTask;
    }

    public Task PushToRecipientAsync(ImMessage message, CancellationToken cancellationToken)
    {
        ToRecipient.Enqueue(message);
        return Task.CompletedTask;
    }

    public Task PushToSenderDevicesAsync(ImMessage message, string? exceptConnectionId, CancellationToken cancellationToken)
    {
        ToSender.Enqueue(message);
        return Task.CompletedTask;
    }

    public Task PushStatusAsync(string senderUserId, IReadOnlyList<MessageStatusUpdate> events, CancellationToken cancellationToken)
    {
        foreach (var e in events)
        {
            Statuses.Enqueue(e);
        }
        return Task.CompletedTask;
    }
}
