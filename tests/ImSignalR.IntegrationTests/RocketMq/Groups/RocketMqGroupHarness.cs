using ImSignalR.Specification.ClusterState;
using System.Diagnostics.Metrics;
using ImSignalR.Contracts;
using ImSignalR.Domain.Groups;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.InProcess;
using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Services;
using ImSignalR.IntegrationTests.RocketMq.Double;
using ImSignalR.RocketMq.Consumer;
using ImSignalR.RocketMq.Producer;
using ImSignalR.RocketMq.ReadYourWrites;
using ImSignalR.RocketMq;
using ImSignalR.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ImSignalR.IntegrationTests.RocketMq.Groups;

/// <summary>
/// <see cref="GroupService"/> in RocketMQ mode against the broker double: <see cref="RocketMqGroupLog"/> producing to
/// the group topic, the persistence consumer applying it (and the C2C topic, <see cref="C2CTopic"/>) to an embedded
/// (SQLite) store. With
/// <c>localConsumer: false</c> the group log does not see the consumer's progress (as on a hub node without the
/// consumer role) and waits on the group's committed offset instead.
/// </summary>
internal sealed class RocketMqGroupHarness : IAsyncDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"im-rmq-groups-{Guid.NewGuid():N}.db");
    private readonly ServiceProvider _provider;
    private readonly ReadYourWritesBarrier _barrier;

    private RocketMqGroupHarness(RocketMqDouble mq, bool localConsumer, TimeSpan applyTimeout)
    {
        Mq = mq;
        C2CTopic = RocketMqTestKit.UniqueName("C2C");
        GroupTopic = RocketMqTestKit.UniqueName("GRP");
        mq.CreateTopic(C2CTopic, queuesPerBroker: 4);
        mq.CreateTopic(GroupTopic, queuesPerBroker: 4);
        Options = RocketMqTestKit.Options(mq.NameServerAddress, C2CTopic, RocketMqTestKit.UniqueName("G"));
        Options.GroupTopic = GroupTopic;
        Options.GroupConsumerGroup = RocketMqTestKit.UniqueName("GG");
        Options.GroupApplyTimeout = applyTimeout;
        _provider = new ServiceCollection().AddImSqliteStore($"Data Source={_path}").BuildServiceProvider();
        Store = _provider.GetRequiredService<IMessageStore>();
        Groups = _provider.GetRequiredService<IGroupStore>();
        var consumerRegistry = new LocalConsumerRegistry();
        var logRegistry = localConsumer ? consumerRegistry : new LocalConsumerRegistry();
        Producer = new RocketMqProducer(Options, NullLogger<RocketMqProducer>.Instance);
        _barrier = new ReadYourWritesBarrier(Options, logRegistry, NullLogger<ReadYourWritesBarrier>.Instance);
        Sequences = new RewindableSequences(TestSequences.InProcess(Store));
        // As on a hub node: the consumer moves a C2C send whose seq the store refuses (the group log moves its own).
        Consumer = new RocketMqPersistenceConsumer(Store, Microsoft.Extensions.Options.Options.Create(Options),
            NullLogger<RocketMqPersistenceConsumer>.Instance, consumerRegistry, conflicts: TestSequences.Resolver(Sequences, Store));
        var log = new RocketMqGroupLog(Producer, Microsoft.Extensions.Options.Options.Create(Options), _barrier, Store,
            TestSequences.Resolver(Sequences, Store));
        Service = new GroupService(Groups, Store, log, Sequences, new InProcessDedupeCache(TimeProvider.System),
            new SilentGroupPusher(), new SnowflakeIdGenerator(1, TimeProvider.System), new GroupOptions(), new MessagingOptions(),
            new MessagingMetrics(new Meter("test-" + Guid.NewGuid())), TimeProvider.System, NullLogger<GroupService>.Instance);
    }

    public RocketMqDouble Mq { get; }

    public RocketMqOptions Options { get; }

    public string C2CTopic { get; }

    public string GroupTopic { get; }

    public IMessageStore Store { get; }

    public IGroupStore Groups { get; }

    public RocketMqProducer Producer { get; }

    public RocketMqPersistenceConsumer Consumer { get; }

    public GroupService Service { get; }

    /// <summary>The group service's allocator; <see cref="RewindableSequences.RewindOnce"/> makes it repeat a taken seq (Redis lost its data).</summary>
    public RewindableSequences Sequences { get; }

    public static async Task<RocketMqGroupHarness> StartAsync(RocketMqDouble mq, bool localConsumer = true, TimeSpan? applyTimeout = null)
    {
        var harness = new RocketMqGroupHarness(mq, localConsumer, applyTimeout ?? TimeSpan.FromSeconds(20));
        await harness._provider.GetRequiredService<StoreMigrator>().MigrateAsync(default);
        await harness.Consumer.StartAsync(CancellationToken.None);
        return harness;
    }

    /// <summary>Every group topic record, oldest first per queue.</summary>
    public List<(string Broker, StoredRecord Record)> GroupRecords() =>
        [.. Mq.Brokers.SelectMany(b => b.Messages(GroupTopic).Select(r => (b.Name, r))).OrderBy(x => x.r.StoreTimestamp).ThenBy(x => x.r.QueueOffset)];

    /// <summary>Sends <paramref name="body"/> to the group topic on <paramref name="chatId"/>'s queue and waits until the consumer applied it.</summary>
    public async Task ProduceAndWaitAppliedAsync(byte[] body, string? tag, string chatId)
    {
        var sent = await Producer.SendAsync(new OutgoingMessage(GroupTopic, body, tag, null, chatId), CancellationToken.None);
        Assert.True(await _barrier.WaitForAppliedAsync(sent.Queue, sent.QueueOffset, Options.GroupConsumerGroup, TimeSpan.FromSeconds(30), CancellationToken.None),
            "the consumer applied the produced body");
    }

    public async ValueTask DisposeAsync()
    {
        await Consumer.StopAsync(CancellationToken.None);
        await _barrier.DisposeAsync();
        await Producer.DisposeAsync();
        await _provider.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }

    /// <summary>An allocator that can hand out one stale seq, as one behind the store after a Redis restart does.</summary>
    internal sealed class RewindableSequences(ISequenceAllocator inner) : ISequenceAllocator
    {
        private long _stale;

        public void RewindOnce(long seq) => Interlocked.Exchange(ref _stale, seq);

        public ValueTask<long> NextAsync(string chatId, CancellationToken cancellationToken)
        {
            var stale = Interlocked.Exchange(ref _stale, 0);
            return stale > 0 ? ValueTask.FromResult(stale) : inner.NextAsync(chatId, cancellationToken);
        }

        public ValueTask ReseedAsync(string chatId, long storeMaxSeq, CancellationToken cancellationToken) =>
            inner.ReseedAsync(chatId, storeMaxSeq, cancellationToken);
    }

    /// <summary>Push is not under test here: the store and the topic are.</summary>
    private sealed class SilentGroupPusher : IGroupPusher
    {
        public Task PushMessageAsync(long groupId, ImMessage message, string? exceptConnectionId, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PushReadAsync(long groupId, GroupReadNotice read, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task PushRecalledAsync(long groupId, MessageRecall recalled, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task JoinAsync(long groupId, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task LeaveAsync(long groupId, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
