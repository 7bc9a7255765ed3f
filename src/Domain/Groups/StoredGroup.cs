namespace ImSignalR.Domain.Groups;

/// <summary>A group as the store holds it.</summary>
/// <param name="CreatedAt">Unix ms.</param>
/// <param name="LastSeq">The newest seq of the group's timeline (messages and system messages).</param>
/// <param name="UpdatedAt">Unix ms of the newest message.</param>
public sealed record StoredGroup(
    long GroupId,
    string Name,
    string OwnerId,
    int MemberCount,
    long CreatedAt,
    bool Dismissed,
    long LastSeq,
    long LastMsgId,
    long UpdatedAt);
