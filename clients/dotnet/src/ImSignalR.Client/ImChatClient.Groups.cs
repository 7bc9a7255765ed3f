using ImSignalR.Client.Connections;
using ImSignalR.Client.Reliability;
using ImSignalR.Contracts;

namespace ImSignalR.Client;

public sealed partial class ImChatClient
{
    /// <summary>
    /// Sends a group message through the outbox, as <see cref="SendC2CAsync"/> does a C2C one: resent with the same
    /// clientMsgId until the server confirms it, in call order per group, kept in the
    /// <see cref="ImChatClientOptions.StateStore"/> across restarts. Every member's devices (this user's others too)
    /// get it by <c>ReceiveGroup</c>; this client records its seq without handing it to the app.
    /// </summary>
    /// <exception cref="ImServerException">Refused for good: <c>IM_FORBIDDEN</c> (not a member, or a dismissed group), <c>IM_NOT_FOUND</c>, <c>IM_CONTENT_TOO_LARGE</c>…</exception>
    /// <exception cref="ArgumentException"><see cref="SendGroupRequest.GroupId"/> or <see cref="SendGroupRequest.Content"/> is null.</exception>
    /// <exception cref="NotSupportedException">The state store does not store group sends.</exception>
    public async Task<SendResult> SendGroupAsync(SendGroupRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ObjectDisposedException.ThrowIf(_stopping.IsCancellationRequested, this);
        if (request.GroupId is null || request.Content is null)
        {
            throw new ArgumentException("A SendGroupRequest needs GroupId and Content.", nameof(request));
        }
        request = request with { ClientMsgId = request.ClientMsgId ?? Guid.NewGuid().ToString("N"), MsgFormat = request.MsgFormat ?? SendDefaults.MsgFormat };
        var restored = _restored.Value;
        if (!restored.IsCompletedSuccessfully)
        {
            await restored.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        _inbox.ExpectOwn(request.ClientMsgId!);
        return await _outbox.SendGroupAsync(request, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Sends a text message (format 1) to a group; see <see cref="SendGroupAsync(SendGroupRequest, CancellationToken)"/>.</summary>
    public Task<SendResult> SendGroupTextAsync(string groupId, string text, CancellationToken cancellationToken = default) =>
        SendGroupAsync(new SendGroupRequest { GroupId = groupId, Content = text }, cancellationToken);

    /// <summary>
    /// Creates a group with this user as owner. Not repeated after a lost connection (a second call would create a
    /// second group): an <see cref="ImConnectionException"/> leaves it to the app to look at <see cref="GetGroupsAsync"/>.
    /// </summary>
    /// <exception cref="ImServerException">E.g. an invalid name or too many members.</exception>
    public async Task<GroupInfo> CreateGroupAsync(string name, IReadOnlyList<string>? memberIds = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _stopping.Token);
        var calls = (HubConnectionCalls)await WaitForConnectionAsync(linked.Token).ConfigureAwait(false);
        return await calls.CreateGroupAsync(name, memberIds ?? [], linked.Token).ConfigureAwait(false);
    }

    /// <summary>Adds members (owner and admins; at most 500 ids a call); returns how many were new. Idempotent.</summary>
    /// <exception cref="ImServerException"><c>IM_FORBIDDEN</c>, <c>IM_NOT_FOUND</c>, or the group's member limit.</exception>
    public async Task<int> AddGroupMembersAsync(string groupId, IReadOnlyList<string> userIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        return (await CallAsync((calls, ct) => calls.AddGroupMembersAsync(groupId, userIds, ct), cancellationToken).ConfigureAwait(false)).Added;
    }

    /// <summary>Removes members (the owner; admins remove members only); returns how many were members. Idempotent.</summary>
    /// <exception cref="ImServerException"><c>IM_FORBIDDEN</c>, <c>IM_NOT_FOUND</c>.</exception>
    public async Task<int> RemoveGroupMembersAsync(string groupId, IReadOnlyList<string> userIds, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(userIds);
        return (await CallAsync((calls, ct) => calls.RemoveGroupMembersAsync(groupId, userIds, ct), cancellationToken).ConfigureAwait(false)).Removed;
    }

    /// <summary>Leaves a group; its owner must transfer ownership first.</summary>
    /// <exception cref="ImServerException"><c>IM_OWNER_MUST_TRANSFER</c>, <c>IM_FORBIDDEN</c>, <c>IM_NOT_FOUND</c>.</exception>
    public Task LeaveGroupAsync(string groupId, CancellationToken cancellationToken = default) =>
        CallAsync(async (calls, ct) => { await calls.InvokeVoidAsync("LeaveGroup", new GroupRequest { GroupId = groupId }, ct).ConfigureAwait(false); return true; }, cancellationToken);

    /// <summary>Renames a group (owner and admins).</summary>
    /// <exception cref="ImServerException"><c>IM_FORBIDDEN</c>, <c>IM_NOT_FOUND</c>, an invalid name.</exception>
    public Task<GroupInfo> UpdateGroupAsync(string groupId, string name, CancellationToken cancellationToken = default) =>
        CallAsync((calls, ct) => calls.UpdateGroupAsync(groupId, name, ct), cancellationToken);

    /// <summary>Sets a member's role (the owner): <c>admin</c>, <c>member</c>, or <c>owner</c> to transfer ownership.</summary>
    /// <exception cref="ImServerException"><c>IM_FORBIDDEN</c>, <c>IM_NOT_FOUND</c>, an invalid role.</exception>
    public Task SetGroupRoleAsync(string groupId, string userId, string role, CancellationToken cancellationToken = default) =>
        CallAsync(async (calls, ct) =>
        {
            await calls.InvokeVoidAsync("SetGroupRole", new SetGroupRoleRequest { GroupId = groupId, UserId = userId, Role = role }, ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>Dismisses a group (the owner); it stays readable, and nobody can send to it.</summary>
    /// <exception cref="ImServerException"><c>IM_FORBIDDEN</c>, <c>IM_NOT_FOUND</c>.</exception>
    public Task DismissGroupAsync(string groupId, CancellationToken cancellationToken = default) =>
        CallAsync(async (calls, ct) => { await calls.InvokeVoidAsync("DismissGroup", new GroupRequest { GroupId = groupId }, ct).ConfigureAwait(false); return true; }, cancellationToken);

    /// <summary>The groups this user is a member of.</summary>
    public Task<IReadOnlyList<GroupInfo>> GetGroupsAsync(CancellationToken cancellationToken = default) =>
        CallAsync((calls, ct) => calls.GetGroupsAsync(ct), cancellationToken);

    /// <summary>A page of a group's members ordered by user id, after <paramref name="afterUserId"/>.</summary>
    /// <exception cref="ImServerException"><c>IM_FORBIDDEN</c> (not a member), <c>IM_NOT_FOUND</c>.</exception>
    public Task<GroupMembersPage> GetGroupMembersAsync(string groupId, string? afterUserId = null, int? limit = null, CancellationToken cancellationToken = default) =>
        CallAsync((calls, ct) => calls.GetGroupMembersAsync(new GroupMembersQuery { GroupId = groupId, AfterUserId = afterUserId, Limit = limit }, ct), cancellationToken);

    /// <summary>Who of the group read the message at <paramref name="seq"/> (its sender, the owner and admins may ask).</summary>
    /// <exception cref="ImServerException"><c>IM_FORBIDDEN</c>, <c>IM_NOT_FOUND</c>.</exception>
    public Task<GroupReadReceipts> GetGroupReadReceiptsAsync(string chatId, long seq, CancellationToken cancellationToken = default) =>
        CallAsync((calls, ct) => calls.GetGroupReadReceiptsAsync(chatId, seq, ct), cancellationToken);

    /// <summary>Marks a group read up to one of its messages: one <c>Read</c> ack of that message raises this user's
    /// read cursor past every older one (it never moves back).</summary>
    /// <exception cref="ImServerException"><c>IM_FORBIDDEN</c> (not a member at that seq).</exception>
    public Task<AckResult> MarkGroupReadAsync(ImMessage newestRead, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(newestRead);
        return AckAsync([newestRead.MsgId], "Read", cancellationToken);
    }

    /// <summary>
    /// Every <see cref="ImChatClientOptions.GroupTailCheckInterval"/> while connected: one overview (limit 1, only
    /// its <c>maxSeqByChat</c> is used) and a sync of each known group that is behind it. Best effort: a failed
    /// check waits for the next one (a reconnect's resync repairs everything anyway).
    /// </summary>
    private async Task CheckGroupTailsAsync()
    {
        var interval = _options.GroupTailCheckInterval;
        if (interval <= TimeSpan.Zero)
        {
            return;
        }
        using var timer = new PeriodicTimer(interval);
        try
        {
            while (await timer.WaitForNextTickAsync(_stopping.Token).ConfigureAwait(false))
            {
                if (!_options.ReliableInbox || !_inbox.HasGroups || CurrentCalls is not { IsConnected: true } calls)
                {
                    continue;
                }
                try
                {
                    var overview = await calls.SyncAsync(null, null, 1, _stopping.Token).ConfigureAwait(false);
                    _inbox.SyncGroupsBehind(overview.MaxSeqByChat);
                }
                catch (Exception ex) when (ex is not OperationCanceledException || !_stopping.IsCancellationRequested)
                {
                    // Best effort, see above.
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Disposed.
        }
    }

    /// <summary>The conversation id of a group: <c>grp:{groupId}</c>.</summary>
    public static string GroupChatId(string groupId) => "grp:" + groupId;
}
