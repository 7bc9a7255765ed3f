using System.Diagnostics.Metrics;
using ImSignalR.RocketMq.Consumer;

namespace ImSignalR.RocketMq;

/// <summary>
/// RocketMQ instruments on the product meter. <c>im.rocketmq.consumer.lag</c>: messages written to a queue and
/// not yet applied by this node's persistence consumer, one series per owned queue (tags <c>topic</c>, from
/// configuration, and <c>queue</c> = <c>broker#id</c>, from the route: bounded by the topic's queue count).
/// </summary>
internal sealed class RocketMqMetrics
{
    private readonly LocalConsumerRegistry _consumers;

    public RocketMqMetrics(Meter? meter, LocalConsumerRegistry consumers)
    {
        _consumers = consumers;
        EventsPublished = meter?.CreateCounter<long>("im.service.events", description: "SPEC §13 events published, by type.");
        EventsSkipped = meter?.CreateCounter<long>("im.rocketmq.events.skipped", unit: "{message}",
            description: "Bodies on the log topics that are not a valid event, skipped by the persistence consumer (tag topic).");
        meter?.CreateObservableGauge("im.rocketmq.consumer.lag", Observe, unit: "{message}",
            description: "Messages on a queue not yet applied by this node's persistence consumer.");
    }

    /// <summary>SPEC §13 events published (tag <c>type</c>); null without a meter.</summary>
    public Counter<long>? EventsPublished { get; }

    /// <summary>Unreadable bodies skipped by the persistence consumer (tag <c>topic</c>); null without a meter.</summary>
    public Counter<long>? EventsSkipped { get; }

    private IEnumerable<Measurement<long>> Observe()
    {
        foreach (var progress in _consumers.All)
        {
            foreach (var (queue, lag) in progress.Lags())
            {
                yield return new Measurement<long>(lag,
                    new KeyValuePair<string, object?>("topic", queue.Topic),
                    new KeyValuePair<string, object?>("queue", $"{queue.BrokerName}#{queue.QueueId}"));
            }
        }
    }
}
