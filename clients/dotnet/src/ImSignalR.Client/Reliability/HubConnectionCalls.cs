using ImSignalR.Client.Models;
using ImSignalR.Client.Transport;

namespace ImSignalR.Client.Reliability;

/// <summary>The hub methods of SPEC §3.3 over one <see cref="ImHubConnection"/>.</summary>
internal sealed class HubConnectionCalls : IHubCalls
{
    public HubConnectionCalls(ImHubConnection connection)
    {
        Connection = connection;
    }

    public ImHubConnection Connection { get; }

    public bool IsConnected => Connection.IsConnected;

    public async Task<SendResult> SendC2CAsync(SendRequest request, CancellationToken cancellationToken) =>
        Required(await Connection.InvokeAsync<SendResult>("SendC2C", [request], cancellationToken).ConfigureAwait(false), "SendC2C");

    public async Task<AckResult> AckAsync(IReadOnlyList<string> msgIds, string status, CancellationToken cancellationToken) =>
        Required(await Connection.InvokeAsync<AckResult>("Ack", [new AckArgument(msgIds, status)], cancellationToken).ConfigureAwait(false), "Ack");

    public async Task<SyncResult> SyncAsync(string? chatId, long? afterSeq, int? limit, CancellationToken cancellationToken) =>
        Required(await Connection.InvokeAsync<SyncResult>("SyncMessages", [new SyncArgument(chatId, afterSeq, limit)], cancellationToken).ConfigureAwait(false), "SyncMessages");

    public async Task<HistoryResult> GetHistoryAsync(string chatId, long? beforeSeq, int? limit, CancellationToken cancellationToken) =>
        Required(await Connection.InvokeAsync<HistoryResult>("GetHistory", [new HistoryArgument(chatId, beforeSeq, limit)], cancellationToken).ConfigureAwait(false), "GetHistory");

    public async Task<IReadOnlyList<Conversation>> GetConversationsAsync(CancellationToken cancellationToken) =>
        Required(await Connection.InvokeAsync<List<Conversation>>("GetConversations", [], cancellationToken).ConfigureAwait(false), "GetConversations");

    private static T Required<T>(T? value, string method) =>
        value ?? throw new ImProtocolException($"'{method}' returned no result.");

    private sealed record AckArgument(IReadOnlyList<string> MsgIds, string Status);

    private sealed record SyncArgument(string? ChatId, long? AfterSeq, int? Limit);

    private sealed record HistoryArgument(string ChatId, long? BeforeSeq, int? Limit);
}
