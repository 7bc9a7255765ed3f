using ImSignalR.Contracts;

namespace ImSignalR.Hub.Hubs;

/// <summary>The group methods of SPEC §10. Rules and limits live in <c>GroupService</c>; errors map in <see cref="ErrorMappingHubFilter"/>.</summary>
internal sealed partial class ChatHub
{
    /// <summary>
    /// Joins the SignalR group of each of the user's current groups (before presence says online, like the user group).
    /// A change made while this runs moves the connection once presence lists it; a removal it misses only lets pushes
    /// through: every read, send and ack is decided by the store.
    /// </summary>
    private async Task JoinChatGroupsAsync(string userId)
    {
        foreach (var groupId in await _groups.GetGroupIdsForConnectionAsync(userId, Context.ConnectionAborted))
        {
            await Groups.AddToGroupAsync(Context.ConnectionId, SignalRGroupPusher.GroupName(groupId), Context.ConnectionAborted);
        }
    }

    public Task<GroupInfo> CreateGroup(CreateGroupRequest request) =>
        _groups.CreateAsync(UserId, request, Context.ConnectionAborted);

    public Task<AddGroupMembersResult> AddGroupMembers(GroupMembersRequest request) =>
        _groups.AddMembersAsync(UserId, request, Context.ConnectionAborted);

    public Task<RemoveGroupMembersResult> RemoveGroupMembers(GroupMembersRequest request) =>
        _groups.RemoveMembersAsync(UserId, request, Context.ConnectionAborted);

    public Task LeaveGroup(GroupRequest request) =>
        _groups.LeaveAsync(UserId, request, Context.ConnectionAborted);

    public Task<GroupInfo> UpdateGroup(UpdateGroupRequest request) =>
        _groups.UpdateAsync(UserId, request, Context.ConnectionAborted);

    public Task SetGroupRole(SetGroupRoleRequest request) =>
        _groups.SetRoleAsync(UserId, request, Context.ConnectionAborted);

    public Task DismissGroup(GroupRequest request) =>
        _groups.DismissAsync(UserId, request, Context.ConnectionAborted);

    public Task<IReadOnlyList<GroupInfo>> GetGroups() =>
        _groups.GetGroupsAsync(UserId, Context.ConnectionAborted);

    public Task<GroupMembersPage> GetGroupMembers(GroupMembersQuery request) =>
        _groups.GetMembersAsync(UserId, request, Context.ConnectionAborted);

    public Task<SendResult> SendGroup(SendGroupRequest request) =>
        _groups.SendAsync(UserId, request, Context.ConnectionId, Context.ConnectionAborted);

    public Task<GroupReadReceipts> GetGroupReadReceipts(GroupReadReceiptsRequest request) =>
        _groups.GetReadReceiptsAsync(UserId, request, Context.ConnectionAborted);
}
