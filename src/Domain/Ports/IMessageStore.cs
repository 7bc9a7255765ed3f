using ImSignalR.Domain.Messaging;

namespace ImSignalR.Domain.Ports;

/// <summary>
/// The system of record (SPEC §7): SQLite in embedded mode, MySQL in cluster mode.
/// Writes arrive only as <see cref="LogEvent"/> batches, applied idempotently, so the direct log and
/// the RocketMQ persistence consumer share one write path.
/// </summary>
public interface IMessageStore
{
    /// <summary>
    /// Applies <paramref name="events"/> in order, in one transaction: all or none.
    /// <list type="bullet">
    /// <item><see cref="MessageSent"/>: inserts the message and raises both users' conversation rows
    /// (<c>last_seq</c>, <c>last_msg_id</c>). A message whose <c>msg_id</c> or <c>(from_user_id, client_msg_id)</c>
    /// exists already is <see cref="AppendStatus.Duplicate"/> (with the stored message); a taken
    /// <c>(chat_id, seq)</c> of a different message is <see cref="AppendStatus.SeqConflict"/> and writes nothing for that event.</item>
    /// <item><see cref="MessageOffline"/>: raises the status to Offline (never lowers it).</item>
    /// <item><see cref="MessagesAcked"/>: raises the status of those of <see cref="MessagesAcked.MsgIds"/> addressed to
    /// <see cref="MessagesAcked.ToUserId"/>; for Read also raises the recipient's <c>read_seq</c> to <see cref="MessagesAcked.MaxSeq"/>.</item>
    /// </list>
    /// </summary>
    /// <returns>One outcome per event, in the same order.</returns>
    /// <exception cref="Errors.ImException"><c>IM_STORE_UNAVAILABLE</c> when the store cannot be reached or the transaction fails.</exception>
    Task<IReadOnlyList<AppendOutcome>> ApplyAsync(IReadOnlyList<LogEvent> events, CancellationToken cancellationToken);

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

    /// <summary>The highest stored seq of <paramref name="chatId"/>, 0 when it has none.</summary>
    Task<long> GetMaxSeqAsync(string chatId, CancellationToken cancellationToken);

    /// <summary>Whether any message is stored at all (tells a first start from lost cluster state).</summary>
    Task<bool> HasAnyMessageAsync(CancellationToken cancellationToken);

    /// <summary>A cheap round trip for the readiness check.</summary>
    Task PingAsync(CancellationToken cancellationToken);
}
