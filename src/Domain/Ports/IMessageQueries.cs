using ImSignalR.Domain.Messaging;

namespace ImSignalR.Domain.Ports;

/// <summary>The read side of <see cref="IMessageStore"/>: sync, history, conversations and the sweeper's lookups.</summary>
public interface IMessageQueries
{
    Task<ChatMessage?> FindByClientMsgIdAsync(string fromUserId, string clientMsgId, CancellationToken cancellationToken);

    /// <summary>The stored messages among <paramref name="msgIds"/>; unknown ids are left out.</summary>
    Task<IReadOnlyList<ChatMessage>> GetByIdsAsync(IReadOnlyCollection<long> msgIds, CancellationToken cancellationToken);

    /// <summary>Messages of <paramref name="chatId"/> with seq &gt; <paramref name="afterSeq"/>, ascending, at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ChatMessage>> GetAfterSeqAsync(string chatId, long afterSeq, int limit, CancellationToken cancellationToken);

    /// <summary>The <paramref name="limit"/> messages of <paramref name="chatId"/> just below <paramref name="beforeSeq"/>, returned ascending.</summary>
    Task<IReadOnlyList<ChatMessage>> GetBeforeSeqAsync(string chatId, long beforeSeq, int limit, CancellationToken cancellationToken);

    /// <summary>Messages to <paramref name="toUserId"/> not yet Delivered, by (chat, seq), at most <paramref name="limit"/>.</summary>
    Task<IReadOnlyList<ChatMessage>> GetUndeliveredAsync(string toUserId, int limit, CancellationToken cancellationToken);

    /// <summary>The user's conversations, newest first, with last message and unread count.</summary>
    Task<IReadOnlyList<ConversationView>> GetConversationsAsync(string userId, int limit, CancellationToken cancellationToken);

    /// <summary><c>last_seq</c> of every conversation of <paramref name="userId"/>.</summary>
    Task<IReadOnlyDictionary<string, long>> GetLastSeqByChatAsync(string userId, CancellationToken cancellationToken);
}
