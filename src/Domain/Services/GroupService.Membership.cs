using ImSignalR.Contracts;
using ImSignalR.Domain.Errors;
using ImSignalR.Domain.Groups;
using ImSignalR.Domain.Identity;

namespace ImSignalR.Domain.Services;

/// <summary>Creating groups and changing their members, roles and name: each change one system message.</summary>
public sealed partial class GroupService
{
    public async Task<GroupInfo> CreateAsync(string userId, CreateGroupRequest? request, CancellationToken cancellationToken)
    {
        if (request is null)
        {
            throw ImException.Invalid("The request is missing.");
        }
        var name = ValidateName(request.Name, _options.MaxNameLength);
        var others = ValidateUserIds(request.MemberIds ?? [], "memberIds", allowEmpty: true);
        others.Remove(userId);
        if (others.Count + 1 > _options.MaxMembersPerGroup)
        {
            throw new ImException(ImErrorCode.GroupLimitExceeded, $"A group has at most {_options.MaxMembersPerGroup} members.");
        }
        var members = new List<string>(others.Count + 1) { userId };
        members.AddRange(others.Order(StringComparer.Ordinal));
        await RequireRoomForGroupAsync(members, cancellationToken).ConfigureAwait(false);

        var groupId = _ids.Next();
        var change = new GroupChange(GroupChangeKind.Created, groupId, userId, members, name);
        var message = await AppendChangeAsync(change, cancellationToken).ConfigureAwait(false);
        _metrics.GroupChanges.Add(1, new KeyValuePair<string, object?>("kind", "created"));
        await MoveConnectionsQuietlyAsync(groupId, members, join: true).ConfigureAwait(false);
        await PushQuietlyAsync(groupId, message, null).ConfigureAwait(false);
        return ToDto(new StoredGroup(groupId, name, userId, members.Count, message.SendTime, false, message.Seq, message.MsgId, message.SendTime));
    }

    public async Task<AddGroupMembersResult> AddMembersAsync(string userId, GroupMembersRequest? request, CancellationToken cancellationToken)
    {
        var (groupId, ids) = ValidateMembersRequest(request);
        using (await _changeLocks.AcquireAsync(GroupChatIds.For(groupId), cancellationToken).ConfigureAwait(false))
        {
            var (group, actor) = await RequireWritableAsync(groupId, userId, cancellationToken).ConfigureAwait(false);
            GroupPolicy.RequireCanAdd(actor.Role);
            var rows = await _groups.GetMembersAsync(groupId, ids, cancellationToken).ConfigureAwait(false);
            var current = rows.Where(r => r.IsCurrent).Select(r => r.UserId).ToHashSet(StringComparer.Ordinal);
            var added = ids.Where(id => !current.Contains(id)).Order(StringComparer.Ordinal).ToList();
            if (added.Count == 0)
            {
                return new AddGroupMembersResult { Added = 0 };
            }
            if (group.MemberCount + added.Count > _options.MaxMembersPerGroup)
            {
                throw new ImException(ImErrorCode.GroupLimitExceeded,
                    $"A group has at most {_options.MaxMembersPerGroup} members; it has {group.MemberCount}.");
            }
            await RequireRoomForGroupAsync(added, cancellationToken).ConfigureAwait(false);
            var message = await AppendChangeAsync(new GroupChange(GroupChangeKind.MembersAdded, groupId, userId, added), cancellationToken)
                .ConfigureAwait(false);
            _metrics.GroupChanges.Add(1, new KeyValuePair<string, object?>("kind", "added"));
            // Joined first, so the new members' devices get the message that announces them.
            await MoveConnectionsQuietlyAsync(groupId, added, join: true).ConfigureAwait(false);
            await PushQuietlyAsync(groupId, message, null).ConfigureAwait(false);
            return new AddGroupMembersResult { Added = added.Count };
        }
    }

    public async Task<RemoveGroupMembersResult> RemoveMembersAsync(string userId, GroupMembersRequest? request, CancellationToken cancellationToken)
    {
        var (groupId, ids) = ValidateMembersRequest(request);
        using (await _changeLocks.AcquireAsync(GroupChatIds.For(groupId), cancellationToken).ConfigureAwait(false))
        {
            var (_, actor) = await RequireWritableAsync(groupId, userId, cancellationToken).ConfigureAwait(false);
            if (actor.Role < GroupRole.Admin)
            {
                throw new ImException(ImErrorCode.Forbidden, "Only the owner and admins can remove members.");
            }
            var rows = await _groups.GetMembersAsync(groupId, ids, cancellationToken).ConfigureAwait(false);
            var targets = rows.Where(r => r.IsCurrent).OrderBy(r => r.UserId, StringComparer.Ordinal).ToList();
            // Every target is checked before anything is written: one refused id refuses the call.
            foreach (var target in targets)
            {
                GroupPolicy.RequireCanRemove(actor.Role, userId, target);
            }
            if (targets.Count == 0)
            {
                return new RemoveGroupMembersResult { Removed = 0 };
            }
            var removed = targets.ConvertAll(t => t.UserId);
            var message = await AppendChangeAsync(new GroupChange(GroupChangeKind.MembersRemoved, groupId, userId, removed), cancellationToken)
                .ConfigureAwait(false);
            _metrics.GroupChanges.Add(1, new KeyValuePair<string, object?>("kind", "removed"));
            // Pushed first, so the removed members' devices learn of it; then their connections leave the group.
            await PushQuietlyAsync(groupId, message, null).ConfigureAwait(false);
            await MoveConnectionsQuietlyAsync(groupId, removed, join: false).ConfigureAwait(false);
            return new RemoveGroupMembersResult { Removed = removed.Count };
        }
    }

    public async Task LeaveAsync(string userId, GroupRequest? request, CancellationToken cancellationToken)
    {
        var groupId = GroupChatIds.ParseGroupId(request?.GroupId);
        using (await _changeLocks.AcquireAsync(GroupChatIds.For(groupId), cancellationToken).ConfigureAwait(false))
        {
            // A dismissed group can still be left (it then drops out of the caller's lists).
            var (_, member) = await RequireMemberAsync(groupId, userId, cancellationToken).ConfigureAwait(false);
            GroupPolicy.RequireCanLeave(member.Role);
            var message = await AppendChangeAsync(new GroupChange(GroupChangeKind.Left, groupId, userId, [userId]), cancellationToken)
                .ConfigureAwait(false);
            _metrics.GroupChanges.Add(1, new KeyValuePair<string, object?>("kind", "left"));
            await PushQuietlyAsync(groupId, message, null).ConfigureAwait(false);
            await MoveConnectionsQuietlyAsync(groupId, [userId], join: false).ConfigureAwait(false);
        }
    }

    public async Task<GroupInfo> UpdateAsync(string userId, UpdateGroupRequest? request, CancellationToken cancellationToken)
    {
        var groupId = GroupChatIds.ParseGroupId(request?.GroupId);
        var name = ValidateName(request!.Name, _options.MaxNameLength);
        using (await _changeLocks.AcquireAsync(GroupChatIds.For(groupId), cancellationToken).ConfigureAwait(false))
        {
            var (group, member) = await RequireWritableAsync(groupId, userId, cancellationToken).ConfigureAwait(false);
            GroupPolicy.RequireCanRename(member.Role);
            if (string.Equals(group.Name, name, StringComparison.Ordinal))
            {
                return ToDto(group);
            }
            var message = await AppendChangeAsync(new GroupChange(GroupChangeKind.Renamed, groupId, userId, [], name), cancellationToken)
                .ConfigureAwait(false);
            _metrics.GroupChanges.Add(1, new KeyValuePair<string, object?>("kind", "renamed"));
            await PushQuietlyAsync(groupId, message, null).ConfigureAwait(false);
            return ToDto(group with { Name = name, LastSeq = message.Seq });
        }
    }

    public async Task SetRoleAsync(string userId, SetGroupRoleRequest? request, CancellationToken cancellationToken)
    {
        var groupId = GroupChatIds.ParseGroupId(request?.GroupId);
        var targetId = UserIds.Validate(request!.UserId, "userId");
        var role = GroupRoles.Parse(request.Role);
        using (await _changeLocks.AcquireAsync(GroupChatIds.For(groupId), cancellationToken).ConfigureAwait(false))
        {
            var (_, member) = await RequireWritableAsync(groupId, userId, cancellationToken).ConfigureAwait(false);
            GroupPolicy.RequireCanSetRole(member.Role, userId, targetId);
            var target = await _groups.GetMemberAsync(groupId, targetId, cancellationToken).ConfigureAwait(false);
            if (target is not { IsCurrent: true })
            {
                throw new ImException(ImErrorCode.NotFound, "That user is not a member of this group.");
            }
            if (target.Role == role)
            {
                return;
            }
            var message = await AppendChangeAsync(new GroupChange(GroupChangeKind.RoleChanged, groupId, userId, [targetId], Role: role), cancellationToken)
                .ConfigureAwait(false);
            _metrics.GroupChanges.Add(1, new KeyValuePair<string, object?>("kind", "role"));
            await PushQuietlyAsync(groupId, message, null).ConfigureAwait(false);
        }
    }

    public async Task DismissAsync(string userId, GroupRequest? request, CancellationToken cancellationToken)
    {
        var groupId = GroupChatIds.ParseGroupId(request?.GroupId);
        using (await _changeLocks.AcquireAsync(GroupChatIds.For(groupId), cancellationToken).ConfigureAwait(false))
        {
            var (_, member) = await RequireWritableAsync(groupId, userId, cancellationToken).ConfigureAwait(false);
            GroupPolicy.RequireCanDismiss(member.Role);
            var message = await AppendChangeAsync(new GroupChange(GroupChangeKind.Dismissed, groupId, userId, []), cancellationToken)
                .ConfigureAwait(false);
            _metrics.GroupChanges.Add(1, new KeyValuePair<string, object?>("kind", "dismissed"));
            await PushQuietlyAsync(groupId, message, null).ConfigureAwait(false);
        }
    }

    private async Task RequireRoomForGroupAsync(IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        var counts = await _groups.CountGroupsAsync(userIds, cancellationToken).ConfigureAwait(false);
        var full = counts.Where(c => c.Value >= _options.MaxGroupsPerUser).Select(c => c.Key).Order(StringComparer.Ordinal).FirstOrDefault();
        if (full is not null)
        {
            throw new ImException(ImErrorCode.GroupLimitExceeded, $"User '{full}' is in {_options.MaxGroupsPerUser} groups already, the most allowed.");
        }
    }

    private (long GroupId, List<string> UserIds) ValidateMembersRequest(GroupMembersRequest? request)
    {
        if (request is null)
        {
            throw ImException.Invalid("The request is missing.");
        }
        var groupId = GroupChatIds.ParseGroupId(request.GroupId);
        var ids = ValidateUserIds(request.UserIds, "userIds", allowEmpty: false);
        return (groupId, ids.ToList());
    }

    private HashSet<string> ValidateUserIds(IReadOnlyList<string>? raw, string field, bool allowEmpty)
    {
        if (raw is null || (raw.Count == 0 && !allowEmpty))
        {
            throw ImException.Invalid($"'{field}' must list at least one user id.");
        }
        if (raw.Count > _options.MaxIdsPerCall)
        {
            throw new ImException(ImErrorCode.TooManyIds, $"At most {_options.MaxIdsPerCall} user ids per call.");
        }
        var ids = new HashSet<string>(raw.Count, StringComparer.Ordinal);
        foreach (var id in raw)
        {
            ids.Add(UserIds.Validate(id, field));
        }
        return ids;
    }

    internal static string ValidateName(string? name, int maxLength)
    {
        if (string.IsNullOrWhiteSpace(name))
        {
            throw ImException.Invalid("'name' is required.");
        }
        var trimmed = name.Trim();
        if (trimmed.Length > maxLength)
        {
            throw ImException.Invalid($"'name' must be at most {maxLength} characters.");
        }
        if (trimmed.Any(char.IsControl))
        {
            throw ImException.Invalid("'name' must not contain control characters.");
        }
        return trimmed;
    }
}
