using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>GetHistory</c> argument: the page of messages just before <see cref="BeforeSeq"/> (newest page when absent).</summary>
[DataContract]
public sealed class HistoryRequest
{
    [DataMember(Name = "chatId")]
    public string? ChatId { get; init; }
    [DataMember(Name = "beforeSeq")]
    public long? BeforeSeq { get; init; }
    [DataMember(Name = "limit")]
    public int? Limit { get; init; }
}
