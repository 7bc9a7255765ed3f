using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>One entry of <c>GetConversations</c>.</summary>
[DataContract]
public sealed record Conversation
{
    /// <summary>Conversation id.</summary>
    [DataMember(Name = "chatId")]
    public required string ChatId { get; init; }
    /// <summary>The other user of a C2C conversation; null for a group.</summary>
    [DataMember(Name = "peerUserId")]
    public string? PeerUserId { get; init; }
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
    /// <summary>The group of a group conversation; null for C2C.</summary>
    [DataMember(Name = "groupId")]
    public string? GroupId { get; init; }
    /// <summary>The group's name; null for C2C.</summary>
    [DataMember(Name = "groupName")]
    public string? GroupName { get; init; }
    /// <summary>An unread group message mentions the caller or <c>"all"</c>.</summary>
    [DataMember(Name = "mentionedMe")]
    public bool MentionedMe { get; init; }
}
