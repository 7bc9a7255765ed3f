using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Text.Json;
using ImSignalR.Domain.InProcess;
using ImSignalR.Domain.Ports;
using ImSignalR.RocketMq.Consumer;
using ImSignalR.RocketMq.Producer;
using ImSignalR.RocketMq.Remoting;
using ImSignalR.RocketMq.Service;
using ImSignalR.RocketMq;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImSignalR.UnitTests.RocketMq;

/// <summary>SPEC §13 user_join/user_leave: the seed's body shape, the bounded queue, retries, and the embedded node's transitions.</summary>
public sealed class PresenceEventPublisherTests
{
    [Fact]
    public void JoinAndLeaveBodiesHaveTheSeedsShape()
    {
        var (join, joinType) = ServiceEventCodec.Presence(PresenceEvent.Joined("alice", "node-1", 1_700_000_000_123));
        var (died, diedType) = ServiceEventCodec.Presence(PresenceEvent.NodeDied("alice", "node-2", 1_700_000_000_456));
        var (closed, _) = ServiceEventCodec.Presence(PresenceEvent.Left("alice", "node-1", 1));

        Assert.Equal(("user_join", "user_leave"), (joinType, diedType));
        using var j = JsonDocument.Parse(join);
        Assert.Equal("alice", j.RootElement.GetProperty("user_id").GetString());
        Assert.Equal("", j.RootElement.GetProperty("message").GetString());
        Assert.Equal("2023-11-14T22:13:20.123Z", j.RootElement.GetProperty("timestamp").GetString());
        Assert.Equal("user_join", j.RootElement.GetProperty("type").GetString());
        Assert.Equal("node-1", j.RootElement.GetProperty("data").GetProperty("node_id").GetString());
        using var d = JsonDocument.Parse(died);
        Assert.Equal("node_died", d.RootElement.GetProperty("data").GetProperty("reason").GetString());
        Assert.Equal("node-2", d.RootElement.GetProperty("data").GetProperty("node_id").GetString());
        using var c = JsonDocument.Parse(closed);
        Assert.Equal("closed", c.RootElement.GetProperty("data").GetProperty("reason").GetString());
    }

    [Fact]
    public async Task EventsGoOutInOrderWithTheirPropertiesAndAFailedSendIsRetried()
    {
        var producer = new FakeProducer { FailFirst = 2 };
        await using var publisher = Create(producer, capacity: 100);
        await publisher.StartAsync(default);

        publisher.Publish(PresenceEvent.Joined("alice", "n1", 1));
        publisher.Publish(PresenceEvent.Left("alice", "n1", 2));

        await WaitAsync(() => producer.Sent.Count == 2);
        var sent = producer.Sent.ToArray();
        Assert.Equal(["user_join", "user_leave"], sent.Select(m => m.Tags));
        Assert.All(sent, m => Assert.Equal(("EVT", "alice", "alice"), (m.Topic, m.ShardingKey, m.Keys)));
        Assert.Equal("user_leave", sent[1].Properties!.Single(p => p.Key == "event_type").Value);
        Assert.Equal("alice", sent[1].Properties!.Single(p => p.Key == "user_id").Value);
        Assert.Equal(2, producer.Failures);
    }

    [Fact]
    public async Task AFullQueueDropsTheNewEventAtOnceAndCountsIt()
    {
        var producer = new FakeProducer { Blocked = true };
        using var meter = new Meter("test-" + Guid.NewGuid());
        var dropped = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (i, l) =>
        {
            if (i.Meter == meter && i.Name == "im.service.events.dropped")
            {
                l.EnableMeasurementEvents(i);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, v, _, _) => Interlocked.Add(ref dropped, v));
        listener.Start();
        await using var publisher = Create(producer, capacity: 3, meter);
        // Not started: nothing drains the queue, as when the broker is away.
        var started = Environment.TickCount64;
        for (var i = 0; i < 10; i++)
        {
            publisher.Publish(PresenceEvent.Joined("u" + i, "n1", i));
        }
        Assert.True(Environment.TickCount64 - started < 1000, "Publish never waits");
        Assert.Equal(7, Interlocked.Read(ref dropped));
    }

    [Fact]
    public async Task DisposalSendsWhatIsQueuedAndMayHappenTwice()
    {
        var producer = new FakeProducer();
        var publisher = Create(producer, capacity: 100);
        await publisher.StartAsync(default);
        for (var i = 0; i < 20; i++)
        {
            publisher.Publish(PresenceEvent.Left("u" + i, "n1", i));
        }

        await publisher.DisposeAsync();
        await publisher.DisposeAsync();

        Assert.Equal(20, producer.Sent.Count);
    }

    [Fact]
    public async Task TheEmbeddedNodeAnnouncesTheFirstConnectAndTheLastClose()
    {
        var events = new Recording();
        var presence = new InProcessPresence(TimeProvider.System, events);
        await presence.AddConnectionAsync("alice", "c1", default);
        await presence.AddConnectionAsync("alice", "c2", default);
        await presence.RemoveConnectionAsync("alice", "c1", default);
        await presence.RemoveConnectionAsync("alice", "c1", default); // twice: still one leave below
        Assert.Equal([PresenceEventKind.Joined], events.Kinds);
        await presence.RemoveConnectionAsync("alice", "c2", default);
        await presence.RemoveConnectionAsync("alice", "c2", default);
        Assert.Equal([PresenceEventKind.Joined, PresenceEventKind.Left], events.Kinds);

        var concurrent = new InProcessPresence(TimeProvider.System, events = new Recording());
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(async () => await concurrent.AddConnectionAsync("bob", "c" + i, default))));
        await Task.WhenAll(Enumerable.Range(0, 50).Select(i => Task.Run(async () => await concurrent.RemoveConnectionAsync("bob", "c" + i, default))));
        Assert.Equal([PresenceEventKind.Joined, PresenceEventKind.Left], events.Kinds);
    }

    private static PresenceEventPublisher Create(FakeProducer producer, int capacity, Meter? meter = null)
    {
        var options = Options.Create(new RocketMqOptions { NameServer = "127.0.0.1:9876", Service = { EventTopic = "EVT", PresenceEventQueue = capacity } });
        var metrics = new RocketMqMetrics(meter, new LocalConsumerRegistry());
        return new PresenceEventPublisher(options, producer, NullLogger<PresenceEventPublisher>.Instance, metrics, meter);
    }

    private static async Task WaitAsync(Func<bool> condition)
    {
        var deadline = Environment.TickCount64 + 10_000;
        while (!condition())
        {
            Assert.True(Environment.TickCount64 < deadline, "timed out");
            await Task.Delay(10);
        }
    }

    private sealed class Recording : IPresenceEvents
    {
        private readonly ConcurrentQueue<PresenceEvent> _events = new();

        public PresenceEventKind[] Kinds => _events.Select(e => e.Kind).ToArray();

        public void Publish(PresenceEvent presenceEvent) => _events.Enqueue(presenceEvent);
    }

    private sealed class FakeProducer : IRocketMqProducer
    {
        public ConcurrentQueue<OutgoingMessage> Sent { get; } = new();

        public int FailFirst { get; set; }

        public int Failures { get; private set; }

        public bool Blocked { get; set; }

        public async Task<BrokerSendResult> SendAsync(OutgoingMessage message, CancellationToken cancellationToken)
        {
            if (Blocked)
            {
                await Task.Delay(Timeout.Infinite, cancellationToken);
            }
            if (Failures < FailFirst)
            {
                Failures++;
                throw new RocketMqProtocolException("broker away");
            }
            Sent.Enqueue(message);
            return new BrokerSendResult("id", null, new MessageQueue(message.Topic, "b", 0), Sent.Count, 0);
        }

        public Task<(ProbeStatus Status, string Description)> ProbeAsync(CancellationToken cancellationToken) => Task.FromResult((ProbeStatus.Healthy, "ok"));

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}
