namespace ImSignalR.Client.Models;

/// <summary>A C2C message as the server sends it (<c>ReceiveC2C</c>, sync, history).</summary>
public sealed record ImMessage
{
    /// <summary>Server id, a decimal string of a 64-bit number.</summary>
    public required string MsgId { get; init; }
    /// <summary>The sender's idempotency key.</summary>
    public required string ClientMsgId { get; init; }
    /// <summary><c>c2c:{a}:{b}</c>.</summary>
    public required string ChatId { get; init; }
    /// <summary>Per-conversation sequence number.</summary>
    public required long Seq { get; init; }
    /// <summary>Sender.</summary>
    public required string FromUserId { get; init; }
    /// <summary>Recipient.</summary>
    public required string ToUserId { get; init; }
    /// <summary>Text, or opaque content for custom formats.</summary>
    public required string Content { get; init; }
    /// <summary>1 text, 2 image, 3 voice, 4 video, 5 file, 100+ custom.</summary>
    public required int MsgFormat { get; init; }
    /// <summary>Opaque extension data.</summary>
    public string? Ext { get; init; }
    /// <summary>Acceptance time, Unix milliseconds.</summary>
    public required long SendTime { get; init; }
    /// <summary>1 reached, 2 offline, 3 delivered, 4 read.</summary>
    public required int Status { get; init; }
}
