using ImSignalR.Specification.ClusterState;
using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using ImSignalR.Contracts;
using ImSignalR.Domain.Direct;
using ImSignalR.Domain.Groups;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.InProcess;
using ImSignalR.Domain.Ports;
using ImSignalR.Domain.Services;
using ImSignalR.Storage;
using ImSignalR.UnitTests.Domain;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;

namespace ImSignalR.UnitTests.Groups;

/// <summary>
/// <see cref="GroupService"/> on the embedded store (a SQLite file of its own: in-process, no socket), the in-process
/// state adapters and a recording pusher, so the rules are tested against the rows they write.
/// </summary>
internal sealed class GroupHarness : IAsyncDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"im-groups-{Guid.NewGuid():N}.db");
    private readonly ServiceProvider _provider;
    private readonly DirectGroupLog _log;

    private GroupHarness(GroupOptions options)
    {
        _provider = new ServiceCollection().AddImSqliteStore($"Data Source={_path}").BuildServiceProvider();
        Store = _provider.GetRequiredService<IMessageStore>();
        Groups = _provider.GetRequiredService<IGroupStore>();
        var sequences = TestSequences.InProcess(Store);
        _log = new DirectGroupLog(Store, TestSequences.Resolver(sequences, Store), new DirectLogOptions(), NullLogger<DirectMessageLog>.Instance);
        var metrics = new MessagingMetrics(new Meter("test-" + Guid.NewGuid()));
        Service = new GroupService(Groups, Store, _log, sequences, new InProcessDedupeCache(Time), Pusher,
            new SnowflakeIdGenerator(1, Time), options, new MessagingOptions(), metrics, Time, NullLogger<GroupService>.Instance);
    }

    public ManualTime Time { get; } = new(new DateTimeOffset(2026, 12, 1, 10, 0, 0, TimeSpan.Zero));

    public IMessageStore Store { get; }

    public IGroupStore Groups { get; }

    public RecordingGroupPusher Pusher { get; } = new();

    public GroupService Service { get; }

    public static async Task<GroupHarness> StartAsync(GroupOptions? options = null)
    {
        var harness = new GroupHarness(options ?? new GroupOptions());
        await harness._provider.GetRequiredService<StoreMigrator>().MigrateAsync(default);
        return harness;
    }

    public async ValueTask DisposeAsync()
    {
        await _log.DisposeAsync();
        await _provider.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _path, _path + "-wal", _path + "-shm" })
        {
            File.Delete(file);
        }
    }
}

/// <summary>Every push and connection move, in order.</summary>
internal sealed class RecordingGroupPusher : IGroupPusher
{
    public ConcurrentQueue<string> Calls { get; } = new();

    public ConcurrentQueue<ImMessage> Messages { get; } = new();

    public ConcurrentQueue<GroupReadNotice> Reads { get; } = new();

    public Task PushMessageAsync(long groupId, ImMessage message, string? exceptConnectionId, CancellationToken cancellationToken)
    {
        Messages.Enqueue(message);
        Calls.Enqueue($"push {message.MsgFormat}");
        return Task.CompletedTask;
    }

    public Task PushReadAsync(long groupId, GroupReadNotice read, CancellationToken cancellationToken)
    {
        Reads.Enqueue(read);
        return Task.CompletedTask;
    }

    public ConcurrentQueue<MessageRecall> Recalls { get; } = new();

    public Task PushRecalledAsync(long groupId, MessageRecall recalled, CancellationToken cancellationToken)
    {
        Recalls.Enqueue(recalled);
        return Task.CompletedTask;
    }

    public Task JoinAsync(long groupId, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        Calls.Enqueue("join " + string.Join(",", userIds));
        return Task.CompletedTask;
    }

    public Task LeaveAsync(long groupId, IReadOnlyCollection<string> userIds, CancellationToken cancellationToken)
    {
        Calls.Enqueue("leave " + string.Join(",", userIds));
        return Task.CompletedTask;
    }
}
