using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>Ack</c> argument (<c>ImChatClient.AckAsync</c> of the .NET SDK builds it).</summary>
[DataContract]
public sealed record AckRequest
{
    /// <summary>Messages to the caller.</summary>
    [DataMember(Name = "msgIds")]
    public IReadOnlyList<string>? MsgIds { get; init; }
    /// <summary><c>Delivered</c> or <c>Read</c>.</summary>
    [DataMember(Name = "status")]
    public string? Status { get; init; }
}
