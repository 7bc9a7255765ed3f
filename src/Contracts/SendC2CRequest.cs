using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>SendC2C</c> argument. Every member is nullable because clients can omit any of them;
/// validation turns a missing member into a clear <c>IM_…</c> error instead of a binding failure.</summary>
[DataContract]
public sealed class SendC2CRequest
{
    [DataMember(Name = "clientMsgId")]
    public string? ClientMsgId { get; init; }
    [DataMember(Name = "toUserId")]
    public string? ToUserId { get; init; }
    [DataMember(Name = "content")]
    public string? Content { get; init; }
    [DataMember(Name = "msgFormat")]
    public int? MsgFormat { get; init; }
    [DataMember(Name = "ext")]
    public string? Ext { get; init; }
}
