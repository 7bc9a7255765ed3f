using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>A message on the wire (<c>ReceiveC2C</c>, <c>ReceiveGroup</c>, sync, history).</summary>
[DataContract]
public sealed class MessageDto
{
    [DataMember(Name = "msgId")]
    public required string MsgId { get; init; }
    [DataMember(Name = "clientMsgId")]
    public required string ClientMsgId { get; init; }
    [DataMember(Name = "chatId")]
    public required string ChatId { get; init; }
    [DataMember(Name = "seq")]
    public required long Seq { get; init; }
    [DataMember(Name = "fromUserId")]
    public required string FromUserId { get; init; }
    /// <summary>The recipient of a C2C message; null for a group message.</summary>
    [DataMember(Name = "toUserId")]
    public required string? ToUserId { get; init; }
    [DataMember(Name = "content")]
    public required string Content { get; init; }
    [DataMember(Name = "msgFormat")]
    public required int MsgFormat { get; init; }
    [DataMember(Name = "ext")]
    public string? Ext { get; init; }
    /// <summary>Acceptance time, Unix milliseconds.</summary>
    [DataMember(Name = "sendTime")]
    public required long SendTime { get; init; }
    /// <summary>Delivery status as the store knows it (1 reached, 2 offline, 3 delivered, 4 read).</summary>
    [DataMember(Name = "status")]
    public required int Status { get; init; }

    /// <summary>Recalled by its sender (SPEC §11): <see cref="Content"/> is empty and <see cref="Ext"/> null.</summary>
    [DataMember(Name = "recalled")]
    public bool Recalled { get; init; }

    /// <summary>The group of a group message (<c>chatId</c> is <c>grp:{groupId}</c>); null for C2C.</summary>
    [DataMember(Name = "groupId")]
    public string? GroupId { get; init; }

    /// <summary>User ids (or <c>"all"</c>) a group message mentions; null for C2C and when it mentions no one.</summary>
    [DataMember(Name = "mentions")]
    public IReadOnlyList<string>? Mentions { get; init; }
}
