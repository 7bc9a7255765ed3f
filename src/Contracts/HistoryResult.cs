using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary>The <c>GetHistory</c> result.</summary>
[DataContract]
public sealed record HistoryResult
{
    /// <summary>Messages, ascending seq.</summary>
    [DataMember(Name = "messages")]
    public required IReadOnlyList<ImMessage> Messages { get; init; }
    /// <summary>Older messages exist.</summary>
    [DataMember(Name = "hasMore")]
    public required bool HasMore { get; init; }
}
