using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>GetGroupReadReceipts</c> result: members (the sender left out) whose read cursor reached the message, and those whose did not.</summary>
[DataContract]
public sealed class GroupReadReceiptsResult
{
    [DataMember(Name = "readCount")]
    public required int ReadCount { get; init; }
    [DataMember(Name = "unreadCount")]
    public required int UnreadCount { get; init; }
    /// <summary>The readers' user ids, for groups of at most 500 members; null above.</summary>
    [DataMember(Name = "readers")]
    public IReadOnlyList<string>? Readers { get; init; }
}
