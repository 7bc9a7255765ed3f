using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>SyncMessages</c> result.</summary>
[DataContract]
public sealed record SyncResult
{
    /// <summary>Messages, ascending seq per conversation.</summary>
    [DataMember(Name = "messages")]
    public required IReadOnlyList<ImMessage> Messages { get; init; }
    /// <summary>More messages are waiting: call again.</summary>
    [DataMember(Name = "hasMore")]
    public required bool HasMore { get; init; }
    /// <summary>Newest seq per conversation.</summary>
    [DataMember(Name = "maxSeqByChat")]
    public required IReadOnlyDictionary<string, long> MaxSeqByChat { get; init; }
}
