namespace ImSignalR.Domain.Messaging;

/// <summary>An accepted C2C message as the domain and the store see it.</summary>
/// <param name="SendTime">Acceptance time, Unix milliseconds.</param>
public sealed record ChatMessage(
    long MsgId,
    string ClientMsgId,
    string ChatId,
    long Seq,
    string FromUserId,
    string ToUserId,
    string Content,
    int MsgFormat,
    string? Ext,
    long SendTime,
    MessageStatus Status,
    bool Recalled = false);
