using ImSignalR.Contracts;

namespace ImSignalR.Client.Reliability;

/// <summary>
/// The hub calls the reliability layer makes, over one connection. The seam between the inbox, outbox
/// and ack batcher and the transport: unit tests put a fake behind it.
/// Failures: <see cref="ImConnectionException"/> (connection lost), <see cref="TimeoutException"/>,
/// <see cref="ImServerException"/> (the server refused; <see cref="ImServerException.IsRetriable"/>).
/// </summary>
internal interface IHubCalls
{
    /// <summary>False once the connection behind these calls has ended.</summary>
    bool IsConnected { get; }

    Task<SendResult> SendC2CAsync(SendRequest request, CancellationToken cancellationToken);

    Task<SendResult> SendGroupAsync(SendGroupRequest request, CancellationToken cancellationToken);

    Task<AckResult> AckAsync(IReadOnlyList<string> msgIds, string status, CancellationToken cancellationToken);

    Task<IReadOnlyList<Conversation>> GetConversationsAsync(CancellationToken cancellationToken);

    Task<SyncResult> SyncAsync(string? chatId, long? afterSeq, int? limit, CancellationToken cancellationToken);
}
