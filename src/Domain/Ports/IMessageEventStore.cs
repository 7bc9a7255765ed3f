using ImSignalR.Domain.Messaging;

namespace ImSignalR.Domain.Ports;

/// <summary>The write side of <see cref="IMessageStore"/>: what the direct log and the persistence consumer need.</summary>
public interface IMessageEventStore
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
}
