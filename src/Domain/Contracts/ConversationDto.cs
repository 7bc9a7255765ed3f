using System.Runtime.Serialization;

namespace ImSignalR.Domain.Contracts;

/// <summary>One entry of <c>GetConversations</c>, from the caller's point of view.</summary>
[DataContract]
public sealed class ConversationDto
{
    [DataMember(Name = "chatId")]
    public required string ChatId { get; init; }
    [DataMember(Name = "peerUserId")]
    public required string PeerUserId { get; init; }
    [DataMember(Name = "lastMessage")]
    public MessageDto? LastMessage { get; init; }
    [DataMember(Name = "lastSeq")]
    public required long LastSeq { get; init; }
    [DataMember(Name = "readSeq")]
    public required long ReadSeq { get; init; }
    /// <summary>Messages from the peer with seq above <see cref="ReadSeq"/>.</summary>
    [DataMember(Name = "unread")]
    public required long Unread { get; init; }
}
