namespace ImSignalR.Client.Models;

/// <summary>The <c>SendC2C</c> result.</summary>
public sealed record SendResult
{
    /// <summary>Server id of the (first) accepted message.</summary>
    public required string MsgId { get; init; }
    /// <summary>Conversation.</summary>
    public required string ChatId { get; init; }
    /// <summary>Sequence number in the conversation.</summary>
    public required long Seq { get; init; }
    /// <summary>Acceptance time, Unix milliseconds.</summary>
    public required long ServerTime { get; init; }
    /// <summary>True when this was a resend of an accepted message.</summary>
    public required bool Duplicate { get; init; }
}
