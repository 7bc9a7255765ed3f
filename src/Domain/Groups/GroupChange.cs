namespace ImSignalR.Domain.Groups;

/// <summary>The state change a <see cref="Messaging.GroupChanged"/> event applies, at the seq of its system message.</summary>
/// <param name="ActorId">Who made the change.</param>
/// <param name="UserIds">The users added, removed or leaving; for a role change the one user; otherwise empty.</param>
/// <param name="Name">The group's name for <see cref="GroupChangeKind.Created"/> and <see cref="GroupChangeKind.Renamed"/>.</param>
/// <param name="Role">The new role for <see cref="GroupChangeKind.RoleChanged"/>.</param>
public sealed record GroupChange(
    GroupChangeKind Kind,
    long GroupId,
    string ActorId,
    IReadOnlyList<string> UserIds,
    string? Name = null,
    GroupRole? Role = null);
