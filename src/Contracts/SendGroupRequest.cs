using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>SendGroup</c> argument; the result is a <see cref="SendC2CResult"/>. Every member is nullable for the reason given on <see cref="SendC2CRequest"/>.</summary>
[DataContract]
public sealed class SendGroupRequest
{
    [DataMember(Name = "clientMsgId")]
    public string? ClientMsgId { get; init; }
    [DataMember(Name = "groupId")]
    public string? GroupId { get; init; }
    [DataMember(Name = "content")]
    public string? Content { get; init; }
    [DataMember(Name = "msgFormat")]
    public int? MsgFormat { get; init; }
    [DataMember(Name = "ext")]
    public string? Ext { get; init; }
    /// <summary>User ids of members, or <c>"all"</c>.</summary>
    [DataMember(Name = "mentions")]
    public IReadOnlyList<string>? Mentions { get; init; }
}
