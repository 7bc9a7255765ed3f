using System.Net.WebSockets;
using ImSignalR.Contracts;
using ImSignalR.Client.Reliability;
using Microsoft.AspNetCore.SignalR;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImSignalR.Client.Connections;

/// <summary>
/// The hub methods of SPEC §3.3 over one official <see cref="HubConnection"/>, started once and never
/// restarted: <see cref="ImChatClient"/> opens a new one per (re)connect, so "these calls' connection
/// ended" is a fact that stays true. Failures are translated to the SDK's own exceptions, which the
/// reliability layer sorts into "resend" and "refused for good" (<see cref="RetryableFailure"/>):
/// <see cref="ImServerException"/> (the hub refused), <see cref="ImConnectionException"/> (lost with the
/// connection), <see cref="TimeoutException"/> (no result within the invocation timeout),
/// <see cref="ImProtocolException"/> (a result this SDK cannot bind).
/// </summary>
internal sealed class HubConnectionCalls : IHubCalls, IAsyncDisposable
{
    // The official client reports a result it cannot bind as an error completion with this text.
    private const string UnbindableResultPrefix = "Error trying to deserialize result to";

    private readonly TimeSpan _invocationTimeout;
    private WebSocket? _socket;
    private int _ended;

    public HubConnectionCalls(ImChatClientOptions options, Func<Task<string?>>? accessTokenProvider)
    {
        _invocationTimeout = options.InvocationTimeout;
        Connection = HubConnections.Build(options, accessTokenProvider, socket => Volatile.Write(ref _socket, socket));
    }

    public HubConnection Connection { get; }

    public bool IsConnected => Volatile.Read(ref _ended) == 0 && Connection.State == HubConnectionState.Connected;

    /// <summary>Marks the connection as ended (its <see cref="HubConnection.Closed"/> was raised).</summary>
    public void MarkEnded() => Volatile.Write(ref _ended, 1);

    /// <summary>Drops the socket without a close handshake, as a lost network does (tests use it).</summary>
    public void Abort()
    {
        MarkEnded();
        Volatile.Read(ref _socket)?.Abort();
    }

    public Task<SendResult> SendC2CAsync(SendRequest request, CancellationToken cancellationToken) =>
        InvokeAsync<SendResult>(HubMethods.SendC2C, [request], cancellationToken);

    public Task<SendResult> SendGroupAsync(SendGroupRequest request, CancellationToken cancellationToken) =>
        InvokeAsync<SendResult>(HubMethods.SendGroup, [request], cancellationToken);

    public Task<AckResult> AckAsync(IReadOnlyList<string> msgIds, string status, CancellationToken cancellationToken) =>
        InvokeAsync<AckResult>(HubMethods.Ack, [new AckRequest { MsgIds = msgIds, Status = status }], cancellationToken);

    public Task<SyncResult> SyncAsync(string? chatId, long? afterSeq, int? limit, CancellationToken cancellationToken) =>
        InvokeAsync<SyncResult>(HubMethods.SyncMessages, [new SyncRequest { ChatId = chatId, AfterSeq = afterSeq, Limit = limit }], cancellationToken);

    public Task<HistoryResult> GetHistoryAsync(string chatId, long? beforeSeq, int? limit, CancellationToken cancellationToken) =>
        InvokeAsync<HistoryResult>(HubMethods.GetHistory, [new HistoryRequest { ChatId = chatId, BeforeSeq = beforeSeq, Limit = limit }], cancellationToken);

    public Task<BlockResult> SetBlockedAsync(string userId, bool blocked, CancellationToken cancellationToken) =>
        InvokeAsync<BlockResult>(blocked ? HubMethods.BlockUser : HubMethods.UnblockUser, [new BlockRequest { UserId = userId }], cancellationToken);

    public Task<RecallResult> RecallAsync(string msgId, CancellationToken cancellationToken) =>
        InvokeAsync<RecallResult>(HubMethods.RecallMessage, [new RecallRequest { MsgId = msgId }], cancellationToken);

    public Task<BlockedUsersResult> GetBlockedUsersAsync(CancellationToken cancellationToken) =>
        InvokeAsync<BlockedUsersResult>(HubMethods.GetBlockedUsers, [], cancellationToken);

    /// <summary>The hub's <c>Typing</c> returns nothing: sent without waiting for a result.</summary>
    public Task TypingAsync(string chatId, CancellationToken cancellationToken) =>
        Connection.SendAsync(HubMethods.Typing, new TypingRequest { ChatId = chatId }, cancellationToken);

    public async Task<IReadOnlyList<PresenceInfo>> GetPresenceAsync(IReadOnlyList<string> userIds, CancellationToken cancellationToken) =>
        await InvokeAsync<List<PresenceInfo>>(HubMethods.GetPresence, [new PresenceRequest { UserIds = userIds }], cancellationToken).ConfigureAwait(false);

    public async Task<IReadOnlyList<Conversation>> GetConversationsAsync(CancellationToken cancellationToken) =>
        await InvokeAsync<List<Conversation>>(HubMethods.GetConversations, [], cancellationToken).ConfigureAwait(false);

    public Task<GroupInfo> CreateGroupAsync(string name, IReadOnlyList<string> memberIds, CancellationToken cancellationToken) =>
        InvokeAsync<GroupInfo>(HubMethods.CreateGroup, [new CreateGroupRequest { Name = name, MemberIds = memberIds }], cancellationToken);

    public Task<AddGroupMembersResult> AddGroupMembersAsync(string groupId, IReadOnlyList<string> userIds, CancellationToken cancellationToken) =>
        InvokeAsync<AddGroupMembersResult>(HubMethods.AddGroupMembers, [new GroupMembersRequest { GroupId = groupId, UserIds = userIds }], cancellationToken);

    public Task<RemoveGroupMembersResult> RemoveGroupMembersAsync(string groupId, IReadOnlyList<string> userIds, CancellationToken cancellationToken) =>
        InvokeAsync<RemoveGroupMembersResult>(HubMethods.RemoveGroupMembers, [new GroupMembersRequest { GroupId = groupId, UserIds = userIds }], cancellationToken);

    public Task<GroupInfo> UpdateGroupAsync(string groupId, string name, CancellationToken cancellationToken) =>
        InvokeAsync<GroupInfo>(HubMethods.UpdateGroup, [new UpdateGroupRequest { GroupId = groupId, Name = name }], cancellationToken);

    /// <summary>A group call that returns nothing (<c>LeaveGroup</c>, <c>DismissGroup</c>, <c>SetGroupRole</c>): it has
    /// succeeded when the completion comes without an error.</summary>
    public Task InvokeVoidAsync(string method, object argument, CancellationToken cancellationToken) =>
        InvokeCoreAsync<object>(method, [argument], cancellationToken);

    public async Task<IReadOnlyList<GroupInfo>> GetGroupsAsync(CancellationToken cancellationToken) =>
        await InvokeAsync<List<GroupInfo>>(HubMethods.GetGroups, [], cancellationToken).ConfigureAwait(false);

    public Task<GroupMembersPage> GetGroupMembersAsync(GroupMembersQuery query, CancellationToken cancellationToken) =>
        InvokeAsync<GroupMembersPage>(HubMethods.GetGroupMembers, [query], cancellationToken);

    public Task<GroupReadReceipts> GetGroupReadReceiptsAsync(string chatId, long seq, CancellationToken cancellationToken) =>
        InvokeAsync<GroupReadReceipts>(HubMethods.GetGroupReadReceipts, [new GroupReadReceiptsRequest { ChatId = chatId, Seq = seq }], cancellationToken);

    /// <summary>One invocation and its result, with the SDK's timeout and exceptions.</summary>
    public async Task<T> InvokeAsync<T>(string method, object?[] arguments, CancellationToken cancellationToken) =>
        await InvokeCoreAsync<T>(method, arguments, cancellationToken).ConfigureAwait(false) ?? throw new ImProtocolException($"'{method}' returned no result.");

    private async Task<T?> InvokeCoreAsync<T>(string method, object?[] arguments, CancellationToken cancellationToken)
    {
        if (!IsConnected)
        {
            throw new ImConnectionException("Not connected.");
        }
        // The official client waits for a result as long as the connection lives; a call whose result
        // never comes must end so the outbox can resend it.
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(_invocationTimeout);
        try
        {
            return await Connection.InvokeCoreAsync<T>(method, arguments, deadline.Token).ConfigureAwait(false);
        }
        catch (HubException ex) when (ex.Message.StartsWith(UnbindableResultPrefix, StringComparison.Ordinal))
        {
            throw new ImProtocolException($"'{method}' returned a result this SDK cannot read: {ex.Message}", ex);
        }
        catch (HubException ex)
        {
            throw new ImServerException(ex.Message);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
            throw new TimeoutException($"'{method}' got no result within {_invocationTimeout.TotalSeconds:0.#} s.");
        }
        catch (Exception ex) when (IsConnectionFailure(ex))
        {
            MarkEnded();
            throw new ImConnectionException($"The connection was lost during '{method}'.", ex);
        }
    }

    public ValueTask DisposeAsync() => Connection.DisposeAsync();

    // What a call fails with when its connection goes: the official client cancels the outstanding
    // invocations (or fails them with the transport's error) and refuses calls on a closed connection.
    private bool IsConnectionFailure(Exception ex) =>
        ex is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException or HttpRequestException
        || (ex is InvalidOperationException && Connection.State != HubConnectionState.Connected);
}
