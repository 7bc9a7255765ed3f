namespace ImSignalR.Storage.Internal;

internal sealed class LastSeqRow
{
    public string ChatId { get; set; } = string.Empty;

    public long LastSeq { get; set; }
}
