using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>GetHistory</c> argument (<c>ImChatClient.GetHistoryAsync</c> of the .NET SDK builds it).</summary>
[DataContract]
public sealed record HistoryRequest
{
    /// <summary>Conversation.</summary>
    [DataMember(Name = "chatId")]
    public string? ChatId { get; init; }
    /// <summary>Messages older than this seq; null for the newest page.</summary>
    [DataMember(Name = "beforeSeq")]
    public long? BeforeSeq { get; init; }
    /// <summary>Page size (the server caps it).</summary>
    [DataMember(Name = "limit")]
    public int? Limit { get; init; }
}
