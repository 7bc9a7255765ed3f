using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>One entry of <c>GetConversations</c>, from the caller's point of view.</summary>
[DataContract]
public sealed class ConversationDto
{
    [DataMember(Name = "chatId")]
    public required string ChatId { get; init; }
    /// <summary>The other user of a C2C conversation; null for a group.</summary>
    [DataMember(Name = "peerUserId")]
    public required string? PeerUserId { get; init; }
    [DataMember(Name = "lastMessage")]
    public MessageDto? LastMessage { get; init; }
    [DataMember(Name = "lastSeq")]
    public required long LastSeq { get; init; }
    [DataMember(Name = "readSeq")]
    public required long ReadSeq { get; init; }
    /// <summary>Messages from the peer (a group: from the other members) with seq above <see cref="ReadSeq"/>
    /// (a group: above the later of <see cref="ReadSeq"/> and the caller's join point, up to their leave point).</summary>
    [DataMember(Name = "unread")]
    public required long Unread { get; init; }

    /// <summary>The group of a group conversation; null for C2C.</summary>
    [DataMember(Name = "groupId")]
    public string? GroupId { get; init; }

    /// <summary>The group's name; null for C2C.</summary>
    [DataMember(Name = "groupName")]
    public string? GroupName { get; init; }

    /// <summary>A group conversation with an unread message that mentions the caller or <c>"all"</c>; false for C2C.</summary>
    [DataMember(Name = "mentionedMe")]
    public bool MentionedMe { get; init; }
}
