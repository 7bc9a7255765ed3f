using System.Runtime.Serialization;

namespace ImSignalR.Bench;

/// <summary>
/// The fields of a <c>ReceiveC2C</c> push the load generator reads (real hub and relay alike). The names are for
/// MessagePack (its map keys); JSON matches them case-insensitively anyway. Settable members and no constructor
/// parameters, and public: MessagePack's standard object resolver binds only those.
/// </summary>
[DataContract]
public sealed class BenchMessage
{
    [DataMember(Name = "msgId")]
    public string MsgId { get; init; } = "";

    [DataMember(Name = "clientMsgId")]
    public string ClientMsgId { get; init; } = "";

    [DataMember(Name = "content")]
    public string Content { get; init; } = "";
}
