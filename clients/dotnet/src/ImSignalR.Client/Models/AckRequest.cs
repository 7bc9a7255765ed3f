using System.Runtime.Serialization;

namespace ImSignalR.Client.Models;

/// <summary>The <c>Ack</c> argument (<see cref="ImChatClient.AckAsync"/> builds it).</summary>
[DataContract]
public sealed record AckRequest
{
    /// <summary>Messages to the caller.</summary>
    [DataMember(Name = "msgIds")]
    public required IReadOnlyList<string> MsgIds { get; init; }
    /// <summary><c>Delivered</c> or <c>Read</c>.</summary>
    [DataMember(Name = "status")]
    public required string Status { get; init; }
}
