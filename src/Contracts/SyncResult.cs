using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>SyncMessages</c> result, messages in ascending seq order per conversation.</summary>
[DataContract]
public sealed class SyncResult
{
    [DataMember(Name = "messages")]
    public required IReadOnlyList<MessageDto> Messages { get; init; }
    [DataMember(Name = "hasMore")]
    public required bool HasMore { get; init; }
    /// <summary>Newest accepted seq per conversation, so a client can see which conversations it lags in.</summary>
    [DataMember(Name = "maxSeqByChat")]
    public required IReadOnlyDictionary<string, long> MaxSeqByChat { get; init; }
}
