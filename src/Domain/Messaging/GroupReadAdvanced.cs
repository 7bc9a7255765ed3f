namespace ImSignalR.Domain.Messaging;

/// <summary>Group read (130, SPEC §10): raises a member's read cursor to <see cref="ReadSeq"/> (never lowers it).</summary>
public sealed record GroupReadAdvanced(string ChatIdValue, long GroupId, string UserId, long ReadSeq, long Time)
    : LogEvent(ChatIdValue, Time)
{
    public override int ClusterEventType => 130;
}
