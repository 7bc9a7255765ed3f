using System.Runtime.Serialization;

namespace ImSignalR.Client.Models;

/// <summary>The <c>GetHistory</c> argument (<see cref="ImChatClient.GetHistoryAsync"/> builds it).</summary>
[DataContract]
public sealed record HistoryRequest
{
    /// <summary>Conversation.</summary>
    [DataMember(Name = "chatId")]
    public required string ChatId { get; init; }
    /// <summary>Messages older than this seq; null for the newest page.</summary>
    [DataMember(Name = "beforeSeq")]
    public long? BeforeSeq { get; init; }
    /// <summary>Page size (the server caps it).</summary>
    [DataMember(Name = "limit")]
    public int? Limit { get; init; }
}
