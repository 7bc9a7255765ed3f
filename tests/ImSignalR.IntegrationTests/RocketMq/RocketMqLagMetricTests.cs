using System.Diagnostics.Metrics;
using ImSignalR.IntegrationTests.RocketMq.Double;
using ImSignalR.RocketMq.Consumer;
using ImSignalR.RocketMq;
using Microsoft.Extensions.Logging.Abstractions;
using static ImSignalR.IntegrationTests.RocketMq.RocketMqTestKit;

namespace ImSignalR.IntegrationTests.RocketMq;

public class RocketMqLagMetricTests
{
    [Fact]
    public async Task TheLagGaugeHasOneSeriesPerOwnedQueueAndFallsToZeroWhenCaughtUp()
    {
        await using var mq = RocketMqDouble.Start();
        var topic = UniqueName("LAG");
        mq.CreateTopic(topic, 4);
        var options = Options(mq.NameServerAddress, topic, UniqueName("G"));
        using var meter = new Meter("lag-test-" + Guid.NewGuid());
        var registry = new LocalConsumerRegistry();
        var metrics = new RocketMqMetrics(meter, registry);
        Assert.NotNull(metrics);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var store = new RecordingMessageStore { BeforeApply = (_, ct) => gate.Task.WaitAsync(ct) };
        await using var consumer = new RocketMqPersistenceConsumer(store, Microsoft.Extensions.Options.Options.Create(options),
            NullLogger<RocketMqPersistenceConsumer>.Instance, registry);
        await consumer.StartAsync(CancellationToken.None);
        var (log, producer) = MessageLog(options);
        await using var _ = producer;
        for (var i = 1; i <= 50; i++)
        {
            await log.AppendAsync(Sent("lagging-chat", i), CancellationToken.None);
        }

        // The store is blocked: the chat's queue shows its 50 unapplied messages.
        await WaitUntil(() => Read(meter).Values.Sum() == 50, "lag 50");
        var series = Read(meter);
        Assert.Equal(4, series.Count(s => s.Key.Topic == topic));
        Assert.All(series.Keys, k => Assert.Matches("^broker-a#[0-3]$", k.Queue));

        gate.SetResult();
        await WaitUntil(() => store.Count == 50 && Read(meter).Values.Sum() == 0, "caught up");
        await consumer.StopAsync(CancellationToken.None);
        Assert.Empty(Read(meter));
    }

    private static Dictionary<(string Topic, string Queue), long> Read(Meter meter)
    {
        var result = new Dictionary<(string, string), long>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter == meter && instrument.Name == "im.rocketmq.consumer.lag")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            string? topic = null, queue = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "topic")
                {
                    topic = tag.Value as string;
                }
                else if (tag.Key == "queue")
                {
                    queue = tag.Value as string;
                }
            }
            lock (result)
            {
                result[(topic!, queue!)] = value;
            }
        });
        listener.Start();
        listener.RecordObservableInstruments();
        return result;
    }
}
