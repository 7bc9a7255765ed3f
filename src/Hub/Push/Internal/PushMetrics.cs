using System.Diagnostics.Metrics;

namespace ImSignalR.Hub.Push.Internal;

/// <summary>Instruments of the push hook, on the product meter (<c>ImSignalR</c>); tag values are fixed sets.</summary>
internal sealed class PushMetrics
{
    public PushMetrics(Meter meter, Func<int> queueDepth)
    {
        Enqueued = meter.CreateCounter<long>("im.webhook.enqueued", description: "Offline messages queued for the push webhook.");
        Dropped = meter.CreateCounter<long>("im.webhook.dropped", description: "Notifications never delivered, by reason (queue_full, retries_exhausted, rejected).");
        SkippedOnline = meter.CreateCounter<long>("im.webhook.skipped_online", description: "Notifications not sent because the recipient had a live connection by then.");
        Delivered = meter.CreateCounter<long>("im.webhook.delivered", description: "Notifications the webhook accepted (2xx).");
        Calls = meter.CreateCounter<long>("im.webhook.calls", description: "Webhook requests, by outcome (ok, retry, failed).");
        CallDuration = meter.CreateHistogram<double>("im.webhook.call.duration", unit: "ms", description: "One webhook request.");
        meter.CreateObservableGauge("im.webhook.queue.depth", queueDepth, description: "Notifications waiting for the webhook.");
    }

    public Counter<long> Enqueued { get; }
    public Counter<long> Dropped { get; }
    public Counter<long> SkippedOnline { get; }
    public Counter<long> Delivered { get; }
    public Counter<long> Calls { get; }
    public Histogram<double> CallDuration { get; }
}
