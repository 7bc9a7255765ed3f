namespace ImSignalR.Domain.Contracts;

/// <summary><c>GetHistory</c> result: messages in ascending seq order; <see cref="HasMore"/> means older ones exist.</summary>
public sealed class HistoryResult
{
    public required IReadOnlyList<MessageDto> Messages { get; init; }
    public required bool HasMore { get; init; }
}
