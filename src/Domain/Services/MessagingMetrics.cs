using System.Diagnostics.Metrics;

namespace ImSignalR.Domain.Services;

/// <summary>
/// The product's instruments (meter <c>ImSignalR</c>). Names follow OpenTelemetry conventions; the
/// host's Prometheus exporter turns dots into underscores and appends the unit and <c>_total</c>
/// (<c>im.send.duration</c> in ms is <c>im_send_duration_milliseconds</c>). Every tag value must come
/// from a fixed set, never from client input, or a client could grow the series without bound.
/// </summary>
public sealed class MessagingMetrics
{
    public const string MeterName = "ImSignalR";

    public MessagingMetrics(Meter meter)
    {
        SendsAccepted = meter.CreateCounter<long>("im.sends.accepted", description: "Sends made durable.");
        SendsRejected = meter.CreateCounter<long>("im.sends.rejected", description: "Sends refused, by error code.");
        SendsDuplicate = meter.CreateCounter<long>("im.sends.duplicate", description: "Resends answered with the first result.");
        Pushes = meter.CreateCounter<long>("im.pushes", description: "ReceiveC2C pushes, by kind (send, replay).");
        PushErrors = meter.CreateCounter<long>("im.push.errors", description: "Pushes that failed (delivery falls back to retry and sync).");
        Acks = meter.CreateCounter<long>("im.acks", description: "Acked messages, by status.");
        Replays = meter.CreateCounter<long>("im.sweeper.replays", description: "Messages re-pushed by the sweeper.");
        ReplaysUnconfirmed = meter.CreateCounter<long>("im.sweeper.unconfirmed", description: "Retry entries dropped because the store never got their message (a send that failed after scheduling its replay).");
        OfflineMarks = meter.CreateCounter<long>("im.offline.marks", description: "Messages marked offline, by reason.");
        SyncRequests = meter.CreateCounter<long>("im.sync.requests", description: "SyncMessages and GetHistory calls.");
        Rejections = meter.CreateCounter<long>("im.rejections", description: "Requests refused, by error code and operation.");
        LogErrors = meter.CreateCounter<long>("im.log.errors", description: "Message-log appends that failed.");
        Recalls = meter.CreateCounter<long>("im.recalls", description: "Messages recalled by their senders.");
        GroupSends = meter.CreateCounter<long>("im.group.sends", description: "Group messages accepted (one stored copy each, whatever the member count).");
        GroupChanges = meter.CreateCounter<long>("im.group.changes", description: "Group membership and settings changes, by kind (created, added, removed, left, renamed, role, dismissed).");
        ModerationHits = meter.CreateCounter<long>("im.moderation.hits", description: "Sends the moderator refused or masked, by action (reject, mask).");
        DegradedSteps = meter.CreateCounter<long>("im.send.degraded", description: "Send-path steps skipped or failed without failing the send, by step (dedupe, presence, push, retry, sequence).");
        SendLatency = meter.CreateHistogram<double>("im.send.duration", unit: "ms", description: "SendC2C from validation to result.");
        DurableWriteLatency = meter.CreateHistogram<double>("im.log.append.duration", unit: "ms", description: "Time to make one event durable.");
        LogCommitDuration = meter.CreateHistogram<double>("im.log.commit.duration", unit: "ms", description: "One group commit of the direct log into the store, by log (c2c, group).");
        LogBatchEvents = meter.CreateHistogram<int>("im.log.batch.events", unit: "{event}", description: "Events in one group commit of the direct log, by log (c2c, group).");
        // Exported from the start at 0: a series that appears only at the first failure reads as "No data" on a
        // dashboard and defeats rate() and absent() alerts until then.
        foreach (var counter in new[] { SendsAccepted, SendsDuplicate, PushErrors, Replays, ReplaysUnconfirmed, LogErrors, Recalls })
        {
            counter.Add(0);
        }
    }

    public Counter<long> SendsAccepted { get; }
    public Counter<long> SendsRejected { get; }
    public Counter<long> SendsDuplicate { get; }
    public Counter<long> Pushes { get; }
    public Counter<long> PushErrors { get; }
    public Counter<long> Acks { get; }
    public Counter<long> Replays { get; }
    public Counter<long> ReplaysUnconfirmed { get; }
    public Counter<long> OfflineMarks { get; }
    public Counter<long> SyncRequests { get; }
    public Counter<long> Rejections { get; }
    public Counter<long> LogErrors { get; }
    public Counter<long> DegradedSteps { get; }
    public Counter<long> ModerationHits { get; }
    public Counter<long> Recalls { get; }
    public Counter<long> GroupSends { get; }
    public Counter<long> GroupChanges { get; }
    public Histogram<double> SendLatency { get; }
    public Histogram<double> DurableWriteLatency { get; }

    /// <summary>With <see cref="LogBatchEvents"/>: whether appends wait on the store (long commits) or on the queue (many small ones).</summary>
    public Histogram<double> LogCommitDuration { get; }

    public Histogram<int> LogBatchEvents { get; }
}
