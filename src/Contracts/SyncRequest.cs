using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>SyncMessages</c> argument. Without <see cref="ChatId"/>: every message to the caller
/// that is not yet delivered, plus the newest seq of each of the caller's conversations.</summary>
[DataContract]
public sealed class SyncRequest
{
    [DataMember(Name = "chatId")]
    public string? ChatId { get; init; }
    [DataMember(Name = "afterSeq")]
    public long? AfterSeq { get; init; }
    [DataMember(Name = "limit")]
    public int? Limit { get; init; }
}
