using ImSignalR.Specification.ClusterState;
using System.Diagnostics.Metrics;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.InProcess;
using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Services;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImSignalR.UnitTests.Domain;

/// <summary>The domain services wired to fakes and the in-process adapters, on a manual clock.</summary>
internal sealed class ServiceHarness
{
    public ServiceHarness(MessagingOptions? options = null, Func<ServiceHarness, IDedupeCache>? dedupe = null, Func<ServiceHarness, ISequenceAllocator>? sequences = null, IContentModerator? moderator = null, BlockService? blocks = null)
    {
        Options = options ?? new MessagingOptions { RetryDelays = [TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15)] };
        Log = new FakeLog(Store);
        Sequences = TestSequences.InProcess(Store);
        Dedupe = new InProcessDedupeCache(Time);
        var metrics = Metrics;
        var offline = new OfflineMarker(Log, metrics, Time, NullLogger<OfflineMarker>.Instance);
        Send = new SendService(Log, Store, sequences?.Invoke(this) ?? Sequences, dedupe?.Invoke(this) ?? Dedupe, Retry, Presence, Pusher, offline, new SnowflakeIdGenerator(1, Time), Options, metrics, Time, NullLogger<SendService>.Instance, moderator, blocks);
        Ack = new AckService(Log, Store, Retry, Pusher, Options, metrics, Time, NullLogger<AckService>.Instance);
        Query = new QueryService(Store, Options, metrics);
        Sweeper = new RetrySweeper(Retry, Store, Presence, Pusher, offline, Options, metrics, Time, NullLogger<RetrySweeper>.Instance);
    }

    public MessagingMetrics Metrics { get; } = new(new Meter("test-" + Guid.NewGuid()));
    public ManualTime Time { get; } = new(new DateTimeOffset(2026, 11, 22, 10, 0, 0, TimeSpan.Zero));
    public MessagingOptions Options { get; }
    public FakeStore Store { get; } = new();
    public FakeLog Log { get; }
    public ISequenceAllocator Sequences { get; }
    public InProcessDedupeCache Dedupe { get; }
    public InProcessRetryQueue Retry { get; } = new();
    public InProcessPresence Presence { get; } = new();
    public RecordingPusher Pusher { get; } = new();
    public SendService Send { get; }
    public AckService Ack { get; }
    public QueryService Query { get; }
    public RetrySweeper Sweeper { get; }
}
