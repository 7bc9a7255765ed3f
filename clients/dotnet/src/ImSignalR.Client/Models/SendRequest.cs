namespace ImSignalR.Client.Models;

/// <summary>The <c>SendC2C</c> argument.</summary>
public sealed record SendRequest
{
    /// <summary>Idempotency key: resending the same one returns the first result. Left null, the
    /// client assigns one before the first attempt and keeps it for every resend.</summary>
    public string? ClientMsgId { get; init; }
    /// <summary>Recipient.</summary>
    public required string ToUserId { get; init; }
    /// <summary>Content (at most 8 KB of UTF-8 by default).</summary>
    public required string Content { get; init; }
    /// <summary>1 text, 2 image, 3 voice, 4 video, 5 file, 100+ custom.</summary>
    public int MsgFormat { get; init; } = 1;
    /// <summary>Opaque extension data (at most 2 KB by default).</summary>
    public string? Ext { get; init; }
}
