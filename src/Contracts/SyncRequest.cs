using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>SyncMessages</c> argument (<c>ImChatClient.SyncAsync</c> of the .NET SDK builds it).</summary>
[DataContract]
public sealed record SyncRequest
{
    /// <summary>One conversation, or null for every conversation with undelivered or newer messages.</summary>
    [DataMember(Name = "chatId")]
    public string? ChatId { get; init; }
    /// <summary>Messages after this seq (one conversation only).</summary>
    [DataMember(Name = "afterSeq")]
    public long? AfterSeq { get; init; }
    /// <summary>Page size (the server caps it).</summary>
    [DataMember(Name = "limit")]
    public int? Limit { get; init; }
}
