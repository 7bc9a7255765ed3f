using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>RecallMessage</c> argument.</summary>
[DataContract]
public sealed record RecallRequest
{
    /// <summary>The message to recall (one of the caller's own).</summary>
    [DataMember(Name = "msgId")]
    public string? MsgId { get; init; }
}
