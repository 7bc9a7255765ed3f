using ImSignalR.Domain.Ports;
using ImSignalR.Storage.Sqlite;
using ImSignalR.Storage;
using Microsoft.Extensions.DependencyInjection;
using ImSignalR.Specification.Persistence;

namespace ImSignalR.IntegrationTests.Persistence;

public sealed class SqliteStoreFixture : IStoreFixture, IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "imsignalr-sqlite-" + Guid.NewGuid().ToString("N"));
    private readonly List<ServiceProvider> _providers = [];

    public IMessageStore Store { get; private set; } = null!;

    public string DatabasePath => Path.Combine(_directory, "shared", "im.db");

    public StoreMigrator Migrator { get; private set; } = null!;

    /// <summary>The block store of the shared database (the first provider built).</summary>
    public IBlockStore Blocks => _providers[0].GetRequiredService<IBlockStore>();

    public IGroupStore Groups => _providers[0].GetRequiredService<IGroupStore>();

    /// <summary>The statistics of the shared database (the first provider built).</summary>
    public IStatsStore Stats => _providers[0].GetRequiredService<IStatsStore>();

    public async Task InitializeAsync()
    {
        // A folder that does not exist yet: AddImSqliteStore must create it.
        (Migrator, Store) = Build(DatabasePath);
        await Migrator.MigrateAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
    }

    public Task<Func<(StoreMigrator Migrator, IMessageStore Store)>> CreateFreshDatabaseAsync()
    {
        var path = Path.Combine(_directory, "fresh", $"im-{Guid.NewGuid():N}.db");
        return Task.FromResult<Func<(StoreMigrator, IMessageStore)>>(() => Build(path));
    }

    public IMessageStore CreateUnreachableStore() =>
        // The parent "directory" is a character device: SQLite cannot open or create the file.
        new SqliteMessageStore(new SqliteConnectionFactory("Data Source=/dev/null/im.db"));

    public async Task DisposeAsync()
    {
        foreach (var provider in _providers)
        {
            await provider.DisposeAsync();
        }
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (Directory.Exists(_directory))
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    private (StoreMigrator, IMessageStore) Build(string path)
    {
        var provider = new ServiceCollection().AddLogging().AddImSqliteStore($"Data Source={path}").BuildServiceProvider();
        lock (_providers)
        {
            _providers.Add(provider);
        }
        return (provider.GetRequiredService<StoreMigrator>(), provider.GetRequiredService<IMessageStore>());
    }
}
