using System.Runtime.Serialization;

namespace ImSignalR.Client.Models;

/// <summary>One entry of <c>GetConversations</c>.</summary>
[DataContract]
public sealed record Conversation
{
    /// <summary>Conversation id.</summary>
    [DataMember(Name = "chatId")]
    public required string ChatId { get; init; }
    /// <summary>The other user.</summary>
    [DataMember(Name = "peerUserId")]
    public required string PeerUserId { get; init; }
    /// <summary>Newest message, if any.</summary>
    [DataMember(Name = "lastMessage")]
    public ImMessage? LastMessage { get; init; }
    /// <summary>Newest seq.</summary>
    [DataMember(Name = "lastSeq")]
    public required long LastSeq { get; init; }
    /// <summary>Highest seq the caller has read.</summary>
    [DataMember(Name = "readSeq")]
    public required long ReadSeq { get; init; }
    /// <summary>Messages from the peer above <see cref="ReadSeq"/>.</summary>
    [DataMember(Name = "unread")]
    public required long Unread { get; init; }
}
