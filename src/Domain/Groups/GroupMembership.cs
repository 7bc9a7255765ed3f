namespace ImSignalR.Domain.Groups;

/// <summary>
/// One user's membership of a group, present or past. The user sees the seqs of the window
/// (<see cref="JoinSeq"/>, <see cref="LeaveSeq"/>]: after the seq current when they joined, up to the seq of
/// their removal or leave message (G7, SPEC §10).
/// </summary>
/// <param name="LeaveSeq">Null while a member.</param>
/// <param name="ReadSeq">The read cursor; only raised.</param>
/// <param name="JoinedAt">Unix ms.</param>
public sealed record GroupMembership(long GroupId, string UserId, GroupRole Role, long JoinSeq, long? LeaveSeq, long ReadSeq, long JoinedAt)
{
    public bool IsCurrent => LeaveSeq is null;

    /// <summary>The highest seq this user may see, given the group's newest seq.</summary>
    public long UpperSeq(long lastSeq) => LeaveSeq ?? lastSeq;

    public bool CanSee(long seq) => seq > JoinSeq && (LeaveSeq is null || seq <= LeaveSeq);
}
