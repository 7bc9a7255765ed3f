using ImSignalR.Contracts;
using ImSignalR.Domain.Connections;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Services;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.SignalR;

namespace ImSignalR.Hub.Hubs;

/// <summary>
/// The client API of SPEC §3.3. The caller's user id always comes from the token, never from the
/// request; domain errors are mapped to <see cref="HubException"/> by <see cref="ErrorMappingHubFilter"/>.
/// </summary>
[Authorize]
internal sealed partial class ChatHub : Hub<IChatClient>
{
    private readonly SendService _send;
    private readonly AckService _ack;
    private readonly QueryService _query;
    private readonly ConnectionAdmission _admission;
    private readonly ILogger<ChatHub> _logger;
    private readonly BlockService _blocks;
    private readonly LiveStatusService _live;
    private readonly RecallService _recall;
    private readonly GroupService _groups;

    public ChatHub(SendService send, AckService ack, QueryService query, ConnectionAdmission admission, BlockService blocks, LiveStatusService live, RecallService recall,
        GroupService groups, ILogger<ChatHub> logger)
    {
        _logger = logger;
        _groups = groups;
        _recall = recall;
        _live = live;
        _blocks = blocks;
        _send = send;
        _ack = ack;
        _query = query;
        _admission = admission;
    }

    /// <summary>
    /// The group of all connections of one user; every push goes to it. <c>Clients.User</c> would do the
    /// same, but the default lifetime manager finds a user's connections by scanning every connection.
    /// </summary>
    public static string UserGroup(string userId) => "user:" + userId;

    private string UserId => Context.UserIdentifier ?? throw new ImException(ImErrorCode.Unauthorized, "The connection has no user.");

    public override async Task OnConnectedAsync()
    {
        var userId = UserId;
        // In the group before presence says online: a sender that sees the user online must reach this connection.
        await Groups.AddToGroupAsync(Context.ConnectionId, UserGroup(userId), Context.ConnectionAborted);
        await JoinChatGroupsAsync(userId);
        // The transport is cheap to know and shown by the admin listing; the hub protocol is not exposed to the hub.
        var transport = Context.Features.Get<IHttpTransportFeature>()?.TransportType.ToString();
        try
        {
            await _admission.AdmitAsync(userId, Context.ConnectionId, transport, protocol: null, Context.ConnectionAborted);
        }
        catch (ImException ex) when (ex.Code == ImErrorCode.TooManyConnections)
        {
            // Not an error mapping (the filter maps it): the refused connection leaves its user group at once, so no
            // push reaches it before SignalR closes it; the chat groups go with the close.
            await Groups.RemoveFromGroupAsync(Context.ConnectionId, UserGroup(userId), CancellationToken.None);
            HubLog.TooManyConnections(_logger, Context.ConnectionId, _admission.MaxConnectionsPerUser);
            throw;
        }
    }

    /// <summary>Runs only for an admitted connection: SignalR skips it when <see cref="OnConnectedAsync"/> threw.</summary>
    public override async Task OnDisconnectedAsync(Exception? exception) =>
        await _admission.ReleaseAsync(UserId, Context.ConnectionId);

    public Task<SendResult> SendC2C(SendRequest request) =>
        _send.SendAsync(UserId, request, Context.ConnectionId, Context.ConnectionAborted);

    public Task<AckResult> Ack(AckRequest request) =>
        _ack.AckAsync(UserId, request, Context.ConnectionAborted);

    public Task<SyncResult> SyncMessages(SyncRequest? request) =>
        _query.SyncAsync(UserId, request, Context.ConnectionAborted);

    public Task<HistoryResult> GetHistory(HistoryRequest request) =>
        _query.GetHistoryAsync(UserId, request, Context.ConnectionAborted);

    public Task<IReadOnlyList<Conversation>> GetConversations() =>
        _query.GetConversationsAsync(UserId, Context.ConnectionAborted);

    public Task<BlockResult> BlockUser(BlockRequest request) =>
        _blocks.BlockAsync(UserId, request, Context.ConnectionAborted);

    public Task<BlockResult> UnblockUser(BlockRequest request) =>
        _blocks.UnblockAsync(UserId, request, Context.ConnectionAborted);

    public Task<BlockedUsersResult> GetBlockedUsers() =>
        _blocks.GetBlockedAsync(UserId, Context.ConnectionAborted);

    /// <summary>Fire and forget for the caller: a dropped event (rate limit, stranger, blocked) is not an error.</summary>
    public async Task Typing(TypingRequest request) =>
        await _live.TypingAsync(UserId, request, Context.ConnectionAborted);

    public Task<RecallResult> RecallMessage(RecallRequest request) =>
        _recall.RecallAsync(UserId, request, Context.ConnectionAborted);

    public Task<IReadOnlyList<PresenceInfo>> GetPresence(PresenceRequest request) =>
        _live.GetPresenceAsync(UserId, request, Context.ConnectionAborted);
}
