namespace ImSignalR.Domain.Groups;

/// <summary>What a membership or settings change does; the system message carries the matching msgFormat (SPEC §10).</summary>
public enum GroupChangeKind
{
    /// <summary>The group was created with its first members (msgFormat 201, as an add).</summary>
    Created,
    /// <summary>msgFormat 201.</summary>
    MembersAdded,
    /// <summary>msgFormat 202.</summary>
    MembersRemoved,
    /// <summary>msgFormat 203.</summary>
    Left,
    /// <summary>msgFormat 204.</summary>
    Renamed,
    /// <summary>msgFormat 205; to <see cref="GroupRole.Owner"/> it transfers ownership (the old owner becomes an admin).</summary>
    RoleChanged,
    /// <summary>msgFormat 206: the group becomes read-only.</summary>
    Dismissed,
}
