using System.Diagnostics.Metrics;
using ImSignalR.Domain.Direct;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Services;
using ImSignalR.Specification.ClusterState;
using ImSignalR.UnitTests.Hubs;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImSignalR.UnitTests.Domain;

/// <summary>The direct log's group commits are measured per log: how long each took and how many events it carried.</summary>
public sealed class DirectMessageLogMetricsTests
{
    [Theory]
    [InlineData(false, "c2c")]
    [InlineData(true, "group")]
    public async Task EachCommitRecordsItsDurationAndEventCountUnderItsLogName(bool groupLog, string expectedTag)
    {
        using var meter = new Meter("test." + Guid.NewGuid().ToString("N"));
        using var recorder = new MeterRecorder(meter);
        var store = new FakeStore();
        var resolver = TestSequences.Resolver(TestSequences.InProcess(store), store);
        var metrics = new MessagingMetrics(meter);
        var log = groupLog
            ? new DirectMessageLog(store, resolver, new DirectLogOptions(), NullLogger<DirectMessageLog>.Instance, metrics, "group")
            : new DirectMessageLog(store, resolver, new DirectLogOptions(), NullLogger<DirectMessageLog>.Instance, metrics);
        await using (log)
        {
            for (var seq = 1; seq <= 3; seq++)
            {
                await log.AppendAsync(Sent(seq), default);
            }
        }

        var batches = recorder.Measurements.Where(m => m.Instrument == "im.log.batch.events").ToList();
        var commits = recorder.Measurements.Where(m => m.Instrument == "im.log.commit.duration").ToList();
        // One append at a time: one commit each, of one event.
        Assert.Equal([1L, 1L, 1L], batches.Select(b => b.Value));
        Assert.Equal(3, commits.Count);
        Assert.All(batches.Concat(commits), m => Assert.Equal(("log", expectedTag), Assert.Single(m.Tags)));
        Assert.All(commits, c => Assert.InRange(c.Value, 0, 10_000));
    }

    private static MessageSent Sent(long seq) =>
        new(new ChatMessage(9_400_000_000_000 + seq, $"m{seq}", "c2c:alice:bob", seq, "alice", "bob", "hi", 1, null, 1_764_000_000_000 + seq, MessageStatus.Reached));
}
