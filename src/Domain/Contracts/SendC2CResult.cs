namespace ImSignalR.Domain.Contracts;

/// <summary><c>SendC2C</c> result. <see cref="MsgId"/> is a decimal string: JS numbers cannot hold 64 bits.</summary>
public sealed class SendC2CResult
{
    public required string MsgId { get; init; }
    public required string ChatId { get; init; }
    public required long Seq { get; init; }
    /// <summary>Acceptance time of the (first) send, Unix milliseconds.</summary>
    public required long ServerTime { get; init; }
    public required bool Duplicate { get; init; }
}
