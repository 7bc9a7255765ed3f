using ImSignalR.Domain.Messaging;

namespace ImSignalR.Domain.Contracts;

/// <summary>A message on the wire (<c>ReceiveC2C</c>, sync, history).</summary>
public sealed class MessageDto
{
    public required string MsgId { get; init; }
    public required string ClientMsgId { get; init; }
    public required string ChatId { get; init; }
    public required long Seq { get; init; }
    public required string FromUserId { get; init; }
    public required string ToUserId { get; init; }
    public required string Content { get; init; }
    public required int MsgFormat { get; init; }
    public string? Ext { get; init; }
    /// <summary>Acceptance time, Unix milliseconds.</summary>
    public required long SendTime { get; init; }
    /// <summary>Delivery status as the store knows it (1 reached, 2 offline, 3 delivered, 4 read).</summary>
    public required int Status { get; init; }

    public static MessageDto From(ChatMessage m) => new()
    {
        MsgId = m.MsgId.ToString(System.Globalization.CultureInfo.InvariantCulture),
        ClientMsgId = m.ClientMsgId,
        ChatId = m.ChatId,
        Seq = m.Seq,
        FromUserId = m.FromUserId,
        ToUserId = m.ToUserId,
        Content = m.Content,
        MsgFormat = m.MsgFormat,
        Ext = m.Ext,
        SendTime = m.SendTime,
        Status = (int)m.Status,
    };
}
