using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;

namespace ImSignalR.Storage.Internal;

/// <summary>A conversation joined with its (possibly missing) last message, as one flat row.</summary>
internal sealed class ConversationRow
{
    public string ConvChatId { get; set; } = string.Empty;

    public string PeerUserId { get; set; } = string.Empty;

    public long LastSeq { get; set; }

    public long ReadSeq { get; set; }

    public long UpdatedAt { get; set; }

    public long Unread { get; set; }

    public long? MsgId { get; set; }

    public string? ClientMsgId { get; set; }

    public string? ChatId { get; set; }

    public long? Seq { get; set; }

    public string? FromUserId { get; set; }

    public string? ToUserId { get; set; }

    public string? Content { get; set; }

    public int? MsgFormat { get; set; }

    public string? Ext { get; set; }

    public long? SendTime { get; set; }

    public int? Status { get; set; }

    public bool? Recalled { get; set; }

    public ConversationView ToView()
    {
        ChatMessage? last = MsgId is { } id
            ? new ChatMessage(id, ClientMsgId ?? string.Empty, ChatId ?? ConvChatId, Seq ?? 0, FromUserId ?? string.Empty,
                ToUserId ?? string.Empty, Content ?? string.Empty, MsgFormat ?? 0, Ext, SendTime ?? 0, (MessageStatus)(Status ?? 0), Recalled ?? false)
            : null;
        return new ConversationView(ConvChatId, PeerUserId, LastSeq, ReadSeq, Unread, UpdatedAt, last);
    }
}
