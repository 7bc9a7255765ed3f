using ImSignalR.Domain.Messaging;

namespace ImSignalR.Storage.Internal;

/// <summary>
/// What Dapper reads a <c>messages</c> row into. A settable class rather than <see cref="ChatMessage"/>'s
/// constructor because drivers disagree on integer widths (SQLite returns Int64 for everything) and
/// Dapper converts property types but matches constructor parameter types exactly.
/// </summary>
internal sealed class MessageRow
{
    public long MsgId { get; set; }

    public string ClientMsgId { get; set; } = string.Empty;

    public string ChatId { get; set; } = string.Empty;

    public long Seq { get; set; }

    public string FromUserId { get; set; } = string.Empty;

    public string ToUserId { get; set; } = string.Empty;

    public string Content { get; set; } = string.Empty;

    public int MsgFormat { get; set; }

    public string? Ext { get; set; }

    public long SendTime { get; set; }

    public int Status { get; set; }

    public bool Recalled { get; set; }

    public ChatMessage ToMessage() =>
        new(MsgId, ClientMsgId, ChatId, Seq, FromUserId, ToUserId, Content, MsgFormat, Ext, SendTime, (MessageStatus)Status, Recalled);
}
