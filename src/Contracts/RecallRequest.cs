using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>RecallMessage</c> argument (SPEC §11).</summary>
[DataContract]
public sealed class RecallRequest
{
    [DataMember(Name = "msgId")]
    public string? MsgId { get; init; }
}
