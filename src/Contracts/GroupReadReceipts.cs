using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>GetGroupReadReceipts</c> result.</summary>
[DataContract]
public sealed record GroupReadReceipts
{
    /// <summary>Members (the sender not counted) whose read cursor reached the message.</summary>
    [DataMember(Name = "readCount")]
    public required int ReadCount { get; init; }
    /// <summary>Members who have not read it.</summary>
    [DataMember(Name = "unreadCount")]
    public required int UnreadCount { get; init; }
    /// <summary>Who read it (listed in groups up to 500 members).</summary>
    [DataMember(Name = "readers")]
    public IReadOnlyList<string>? Readers { get; init; }
}
