using ImSignalR.Client.Models;
using ImSignalR.Client.Transport;

namespace ImSignalR.Client;

/// <summary>
/// Typed access to the ImSignalR hub over one connection: the hub methods of SPEC §3.3 and the
/// <c>ReceiveC2C</c>/<c>MessageStatus</c> events.
/// </summary>
public sealed class ImChatClient : IAsyncDisposable
{
    private readonly ImHubConnection _connection;

    /// <summary>Creates a client; call <see cref="ConnectAsync"/> to open it.</summary>
    public ImChatClient(HubConnectionOptions options)
    {
        _connection = new ImHubConnection(options);
        _connection.On<ImMessage>("ReceiveC2C", m => MessageReceived?.Invoke(m) ?? Task.CompletedTask);
        _connection.On<MessageStatusUpdate>("MessageStatus", s => StatusReceived?.Invoke(s) ?? Task.CompletedTask);
        _connection.Closed += e => Closed?.Invoke(e);
    }

    /// <summary>A message pushed by the server (may repeat until acked).</summary>
    public event Func<ImMessage, Task>? MessageReceived;

    /// <summary>The recipient acked one of this user's messages.</summary>
    public event Func<MessageStatusUpdate, Task>? StatusReceived;

    /// <summary>The connection ended (null error after <see cref="DisposeAsync"/>).</summary>
    public event Action<ImConnectionException?>? Closed;

    /// <summary>True while connected.</summary>
    public bool IsConnected => _connection.IsConnected;

    /// <summary>The underlying connection, for tests that drop it.</summary>
    public ImHubConnection Connection => _connection;

    /// <summary>Connects and performs the handshake.</summary>
    public Task ConnectAsync(CancellationToken cancellationToken = default) => _connection.StartAsync(cancellationToken);

    /// <summary>Sends a message; returns once the server made it durable.</summary>
    public async Task<SendResult> SendC2CAsync(SendRequest request, CancellationToken cancellationToken = default) =>
        (await _connection.InvokeAsync<SendResult>("SendC2C", [request], cancellationToken).ConfigureAwait(false))!;

    /// <summary>Acks messages as <c>Delivered</c> or <c>Read</c>.</summary>
    public async Task<AckResult> AckAsync(IReadOnlyList<string> msgIds, string status = "Delivered", CancellationToken cancellationToken = default) =>
        (await _connection.InvokeAsync<AckResult>("Ack", [new { msgIds, status }], cancellationToken).ConfigureAwait(false))!;

    /// <summary>Marks messages read (implies delivered).</summary>
    public Task<AckResult> MarkReadAsync(IReadOnlyList<string> msgIds, CancellationToken cancellationToken = default) =>
        AckAsync(msgIds, "Read", cancellationToken);

    /// <summary>Messages after <paramref name="afterSeq"/> in one conversation, or (no chat) every undelivered message.</summary>
    public async Task<SyncResult> SyncAsync(string? chatId = null, long? afterSeq = null, int? limit = null, CancellationToken cancellationToken = default) =>
        (await _connection.InvokeAsync<SyncResult>("SyncMessages", [new { chatId, afterSeq, limit }], cancellationToken).ConfigureAwait(false))!;

    /// <summary>A page of older messages.</summary>
    public async Task<HistoryResult> GetHistoryAsync(string chatId, long? beforeSeq = null, int? limit = null, CancellationToken cancellationToken = default) =>
        (await _connection.InvokeAsync<HistoryResult>("GetHistory", [new { chatId, beforeSeq, limit }], cancellationToken).ConfigureAwait(false))!;

    /// <summary>The caller's conversations, newest first.</summary>
    public async Task<IReadOnlyList<Conversation>> GetConversationsAsync(CancellationToken cancellationToken = default) =>
        (await _connection.InvokeAsync<List<Conversation>>("GetConversations", [], cancellationToken).ConfigureAwait(false))!;

    /// <inheritdoc />
    public ValueTask DisposeAsync() => _connection.DisposeAsync();
}
