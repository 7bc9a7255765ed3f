namespace ImSignalR.Domain.Messaging;

/// <summary>An accepted message as the domain and the store see it: C2C, or a group's (then <see cref="ChatId"/> is
/// <c>grp:{groupId}</c>, <see cref="ToUserId"/> is empty and <see cref="Mentions"/> may be set).</summary>
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
    bool Recalled = false,
    IReadOnlyList<string>? Mentions = null);
