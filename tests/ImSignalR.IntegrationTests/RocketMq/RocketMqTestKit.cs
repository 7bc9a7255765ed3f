using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using Microsoft.Extensions.Logging;
using ImSignalR.RocketMq.Producer;
using ImSignalR.RocketMq;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImSignalR.IntegrationTests.RocketMq;

internal static class RocketMqTestKit
{
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static long s_msgId = 7_000_000_000_000;

    public static RocketMqOptions Options(string nameServer, string topic, string group) => new()
    {
        NameServer = nameServer,
        Topic = topic,
        ConsumerGroup = group,
        // The product's defaults for the three bounds: a loopback connect or round trip only runs this long when the test
        // host is stalled, and clean CI runs saw tighter bounds fire (a 1 s connect cancelled the first route fetch; a 2 s
        // request timed out a route fetch right after a broker restart). No test here waits on one of them to expire.
        RequestTimeout = TimeSpan.FromSeconds(3),
        ConnectTimeout = TimeSpan.FromSeconds(3),
        SendTimeout = TimeSpan.FromSeconds(3),
        PullSuspendTimeout = TimeSpan.FromSeconds(2),
        PullErrorDelay = TimeSpan.FromMilliseconds(200),
        HeartbeatInterval = TimeSpan.FromSeconds(1),
        RebalanceInterval = TimeSpan.FromSeconds(1),
        RouteRefreshInterval = TimeSpan.FromSeconds(1),
    };

    public static string UniqueName(string prefix) => $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 60)];

    public static (RocketMqMessageLog Log, RocketMqProducer Producer) MessageLog(RocketMqOptions options)
    {
        var producer = new RocketMqProducer(options, NullLogger<RocketMqProducer>.Instance);
        return (new RocketMqMessageLog(producer, Microsoft.Extensions.Options.Options.Create(options)), producer);
    }

    public static RocketMqPersistenceConsumer Consumer(RocketMqOptions options, RecordingMessageStore store) =>
        new(store, Microsoft.Extensions.Options.Options.Create(options), NullLogger<RocketMqPersistenceConsumer>.Instance);

    public static RocketMqPersistenceConsumer Consumer(RocketMqOptions options, IMessageStore store, ILogger<RocketMqPersistenceConsumer> logger) =>
        new(store, Microsoft.Extensions.Options.Options.Create(options), logger);

    /// <summary>The Java client's timings (15 s hold, 20 s rebalance, 30 s heartbeat and route refresh).</summary>
    public static RocketMqOptions JavaTimings(string nameServer, string topic, string group) => new()
    {
        NameServer = nameServer,
        Topic = topic,
        ConsumerGroup = group,
    };

    public static MessageSent Sent(string chatId, long seq) => new(new ChatMessage(
        Interlocked.Increment(ref s_msgId), $"c-{chatId}-{seq}", chatId, seq, "u1", "u2", $"hello {seq} ü", 1, null,
        DateTimeOffset.UtcNow.ToUnixTimeMilliseconds(), MessageStatus.Reached));

    public static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("Timed out waiting for: " + what);
            }
            await Task.Delay(50);
        }
    }
}
