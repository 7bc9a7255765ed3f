using System.Runtime.Serialization;

namespace ImSignalR.Bench;

/// <summary>
/// The fields of a <c>ReceiveGroup</c> push a member reads (real hub and relay alike): <see cref="BenchMessage"/>'s,
/// plus the group's seq, which orders and dedupes a member's stream without a set of every id seen.
/// </summary>
[DataContract]
public sealed class GroupPush
{
    [DataMember(Name = "msgId")]
    public string MsgId { get; init; } = "";

    [DataMember(Name = "clientMsgId")]
    public string ClientMsgId { get; init; } = "";

    [DataMember(Name = "content")]
    public string Content { get; init; } = "";

    [DataMember(Name = "seq")]
    public long Seq { get; init; }
}
