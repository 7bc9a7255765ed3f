using ImSignalR.Contracts;

namespace ImSignalR.Domain.Ports;

/// <summary>
/// The fast, at-most-once delivery path (SignalR, through the backplane in cluster mode). A failed push
/// is not a failed send: the retry queue and sync make delivery complete (G4, G5).
/// </summary>
public interface IMessagePusher
{
    /// <summary><c>ReceiveC2C</c> to every connection of <see cref="ImMessage.ToUserId"/>.</summary>
    Task PushToRecipientAsync(ImMessage message, CancellationToken cancellationToken);

    /// <summary><c>ReceiveC2C</c> to the sender's connections other than <paramref name="exceptConnectionId"/> (multi-device sync).</summary>
    Task PushToSenderDevicesAsync(ImMessage message, string? exceptConnectionId, CancellationToken cancellationToken);

    /// <summary><c>MessageStatus</c> events to every connection of <paramref name="senderUserId"/>.</summary>
    Task PushStatusAsync(string senderUserId, IReadOnlyList<MessageStatusUpdate> events, CancellationToken cancellationToken);

    /// <summary><c>MessageRecalled</c> to every connection of each of <paramref name="userIds"/>.</summary>
    Task PushRecalledAsync(IReadOnlyList<string> userIds, MessageRecall recalled, CancellationToken cancellationToken);

    /// <summary><c>Typing</c> to every connection of <paramref name="toUserId"/>.</summary>
    Task PushTypingAsync(string toUserId, TypingNotice typing, CancellationToken cancellationToken);
}
