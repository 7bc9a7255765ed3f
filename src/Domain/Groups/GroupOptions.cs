namespace ImSignalR.Domain.Groups;

/// <summary>Group limits (SPEC §10), bound from <c>Im:Groups</c>.</summary>
public sealed class GroupOptions
{
    public int MaxMembersPerGroup { get; set; } = 10_000;

    public int MaxGroupsPerUser { get; set; } = 500;

    /// <summary>User ids in one <c>CreateGroup</c>, <c>AddGroupMembers</c> or <c>RemoveGroupMembers</c> call.</summary>
    public int MaxIdsPerCall { get; set; } = 500;

    public int MaxNameLength { get; set; } = 64;

    /// <summary>Groups up to this size get <c>GroupRead</c> events and named readers in receipts.</summary>
    public int ReadEventsMaxMembers { get; set; } = 500;

    /// <summary>At most one <c>GroupRead</c> per reader and group within this interval.</summary>
    public TimeSpan ReadEventInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Largest <c>GetGroupMembers</c> page.</summary>
    public int MaxMembersPage { get; set; } = 200;
}
