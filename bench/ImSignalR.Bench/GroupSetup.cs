using ImSignalR.Contracts;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImSignalR.Bench;

/// <summary>Creates a group on the real hub with as many members as asked, within the hub's default ids per call.</summary>
internal static class GroupSetup
{
    // Im:Groups:MaxIdsPerCall's default: the bench runs the hub with its default group limits.
    private const int IdsPerCall = 500;

    /// <returns>The group's id.</returns>
    public static async Task<string> CreateAsync(HubConnection owner, string name, IReadOnlyList<string> memberIds, CancellationToken cancellationToken)
    {
        var group = await BenchConnections.InvokeAsync<GroupInfo>(owner, "CreateGroup",
            [new CreateGroupRequest { Name = name, MemberIds = memberIds.Take(IdsPerCall).ToList() }], cancellationToken).ConfigureAwait(false);
        foreach (var chunk in memberIds.Skip(IdsPerCall).Chunk(IdsPerCall))
        {
            await BenchConnections.InvokeAsync<AddGroupMembersResult>(owner, "AddGroupMembers",
                [new GroupMembersRequest { GroupId = group.GroupId, UserIds = chunk }], cancellationToken).ConfigureAwait(false);
        }
        return group.GroupId;
    }

    public static SendGroupRequest Send(string groupId, string clientMsgId, string content) =>
        new() { ClientMsgId = clientMsgId, GroupId = groupId, Content = content, MsgFormat = 1 };
}
