using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>SendC2C</c> argument.</summary>
[DataContract]
public sealed record SendRequest
{
    /// <summary>Idempotency key: resending the same one returns the first result. Left null, the
    /// client assigns one before the first attempt and keeps it for every resend.</summary>
    [DataMember(Name = "clientMsgId")]
    public string? ClientMsgId { get; init; }
    /// <summary>Recipient.</summary>
    [DataMember(Name = "toUserId")]
    public string? ToUserId { get; init; }
    /// <summary>Content (at most 8 KB of UTF-8 by default).</summary>
    [DataMember(Name = "content")]
    public string? Content { get; init; }
    /// <summary>1 text, 2 image, 3 voice, 4 video, 5 file, 100+ custom. Left null, the .NET client sends 1
    /// (text); the hub itself refuses a missing one with <c>IM_INVALID_MSG_FORMAT</c>, so the default
    /// lives in the client, not in an initializer deserialization would apply on the server too.</summary>
    [DataMember(Name = "msgFormat")]
    public int? MsgFormat { get; init; }
    /// <summary>Opaque extension data (at most 2 KB by default).</summary>
    [DataMember(Name = "ext")]
    public string? Ext { get; init; }
}
