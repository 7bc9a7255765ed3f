namespace ImSignalR.RocketMq.Consumer;

/// <summary>A pulled message (doc §6). <see cref="MsgId"/> is UNIQ_KEY when present, else the offset id.</summary>
// Public (issue 15) only so samples/ServiceClient can use this client without InternalsVisibleTo; not a supported API.
public sealed record MessageExt(
    string Topic,
    int QueueId,
    long QueueOffset,
    long CommitLogOffset,
    int SysFlag,
    long BornTimestamp,
    long StoreTimestamp,
    int ReconsumeTimes,
    ReadOnlyMemory<byte> Body,
    IReadOnlyDictionary<string, string> Properties,
    string OffsetMsgId)
{
    public string MsgId => Properties.TryGetValue(MessageProperties.UniqKey, out var id) ? id : OffsetMsgId;

    public string? Tags => Properties.GetValueOrDefault(MessageProperties.Tags);

    public string? Keys => Properties.GetValueOrDefault(MessageProperties.Keys);
}
