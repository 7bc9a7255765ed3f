using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>Ack</c> argument: <see cref="Status"/> is <c>"Delivered"</c> or <c>"Read"</c>.</summary>
[DataContract]
public sealed class AckRequest
{
    [DataMember(Name = "msgIds")]
    public IReadOnlyList<string>? MsgIds { get; init; }
    [DataMember(Name = "status")]
    public string? Status { get; init; }
}
