using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>A C2C message as the server sends it (<c>ReceiveC2C</c>, sync, history).</summary>
[DataContract]
public sealed record ImMessage
{
    /// <summary>Server id, a decimal string of a 64-bit number.</summary>
    [DataMember(Name = "msgId")]
    public required string MsgId { get; init; }
    /// <summary>The sender's idempotency key.</summary>
    [DataMember(Name = "clientMsgId")]
    public required string ClientMsgId { get; init; }
    /// <summary><c>c2c:{a}:{b}</c>.</summary>
    [DataMember(Name = "chatId")]
    public required string ChatId { get; init; }
    /// <summary>Per-conversation sequence number.</summary>
    [DataMember(Name = "seq")]
    public required long Seq { get; init; }
    /// <summary>Sender.</summary>
    [DataMember(Name = "fromUserId")]
    public required string FromUserId { get; init; }
    /// <summary>Recipient of a C2C message; null for a group message.</summary>
    [DataMember(Name = "toUserId")]
    public string? ToUserId { get; init; }
    /// <summary>Text, or opaque content for custom formats.</summary>
    [DataMember(Name = "content")]
    public required string Content { get; init; }
    /// <summary>1 text, 2 image, 3 voice, 4 video, 5 file, 100+ custom.</summary>
    [DataMember(Name = "msgFormat")]
    public required int MsgFormat { get; init; }
    /// <summary>Opaque extension data.</summary>
    [DataMember(Name = "ext")]
    public string? Ext { get; init; }
    /// <summary>Acceptance time, Unix milliseconds.</summary>
    [DataMember(Name = "sendTime")]
    public required long SendTime { get; init; }
    /// <summary>1 reached, 2 offline, 3 delivered, 4 read.</summary>
    [DataMember(Name = "status")]
    public required int Status { get; init; }

    /// <summary>Recalled by its sender: <see cref="Content"/> is empty and <see cref="Ext"/> null.</summary>
    [DataMember(Name = "recalled")]
    public bool Recalled { get; init; }

    /// <summary>The group of a group message (<c>chatId</c> is <c>grp:{groupId}</c>); null for C2C.</summary>
    [DataMember(Name = "groupId")]
    public string? GroupId { get; init; }

    /// <summary>User ids (or <c>"all"</c>) a group message mentions; null when none.</summary>
    [DataMember(Name = "mentions")]
    public IReadOnlyList<string>? Mentions { get; init; }
}
