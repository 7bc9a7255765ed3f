using System.Runtime.Serialization;

namespace ImSignalR.Contracts;

/// <summary><c>GetHistory</c> result: messages in ascending seq order; <see cref="HasMore"/> means older ones exist.</summary>
[DataContract]
public sealed class HistoryResult
{
    [DataMember(Name = "messages")]
    public required IReadOnlyList<MessageDto> Messages { get; init; }
    [DataMember(Name = "hasMore")]
    public required bool HasMore { get; init; }
}
