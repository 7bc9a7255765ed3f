using System.Diagnostics;
using Dapper;
using ImSignalR.Domain.Identity;
using ImSignalR.Domain.Messaging;
using ImSignalR.Domain.Ports;
using ImSignalR.Storage;
using Microsoft.AspNetCore.SignalR.Client;
using Microsoft.Extensions.DependencyInjection;
using MySqlConnector;

namespace ImSignalR.Bench;

/// <summary>
/// The read-path growth curve of issue 19: <c>SyncMessages</c> and <c>GetConversations</c> latency against the
/// store's size, on SQLite and MariaDB. The store is filled through the product's own write path
/// (<see cref="IMessageStore.ApplyAsync"/>, 500 events a batch): half the messages in the 500 conversations of
/// one user (<c>u0</c>), half in 5,000 conversations of other users. Then a real hub serves that store and u0
/// pages a random conversation from a random seq, and lists its conversations.
/// </summary>
internal static class StoreSizeScenario
{
    public const string Name = "store-size";
    private const int UserConversations = 500;
    private const int OtherConversations = 5_000;
    private const int BatchSize = 500;
    private const int SyncCalls = 200;
    private const int ConversationCalls = 50;

    public static async Task RunAsync(ScenarioContext context)
    {
        await RunOnAsync(context, "sqlite", null).ConfigureAwait(false);
        var mysql = Environment.GetEnvironmentVariable("IM_TEST_MYSQL");
        if (string.IsNullOrWhiteSpace(mysql))
        {
            context.Add(BenchResult.Unavailable(Name, "IM_TEST_MYSQL is not set: the MariaDB half of the curve is not measured."));
            return;
        }
        await RunOnAsync(context, "mariadb", mysql).ConfigureAwait(false);
    }

    private static async Task RunOnAsync(ScenarioContext context, string provider, string? mysql)
    {
        var ct = context.CancellationToken;
        var data = HubEnvironment.NewDataDirectory();
        var (connectionString, dropDatabase) = mysql is null
            ? ($"Data Source={Path.Combine(data, "im.db")}", (Func<Task>?)null)
            : await FreshDatabaseAsync(mysql).ConfigureAwait(false);
        await using var services = (mysql is null
            ? new ServiceCollection().AddLogging().AddImSqliteStore(connectionString)
            : new ServiceCollection().AddLogging().AddImMySqlStore(connectionString)).BuildServiceProvider();
        try
        {
            await services.GetRequiredService<StoreMigrator>().MigrateAsync(ct).ConfigureAwait(false);
            var store = services.GetRequiredService<IMessageStore>();
            var seeder = new Seeder();
            foreach (var size in context.Options.StoreSizes)
            {
                var seeding = Stopwatch.StartNew();
                await seeder.FillToAsync(store, size, ct).ConfigureAwait(false);
                var seeded = seeding.Elapsed;
                var environment = HubEnvironment.Embedded(data, context.Options);
                environment["Im__Store__ConnectionString"] = connectionString;
                if (mysql is not null)
                {
                    environment["Im__Store__Provider"] = "MySql";
                }
                // No data directory handed over: the process would delete it on exit, and the next size reuses the store.
                await using var hub = await ServerProcess.StartAsync(RepoPaths.HubDll, environment, null, ct).ConfigureAwait(false);
                context.Add(await MeasureAsync(hub, provider, size, seeder, seeded, ct).ConfigureAwait(false));
            }
        }
        finally
        {
            if (dropDatabase is not null)
            {
                await dropDatabase().ConfigureAwait(false);
            }
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            Directory.Delete(data, recursive: true);
        }
    }

    private static async Task<BenchResult> MeasureAsync(ServerProcess hub, string provider, int size, Seeder seeder, TimeSpan seeded, CancellationToken ct)
    {
        var before = ServerSample.LoadAverage();
        await using var u0 = await LoadRunner.OpenAsync(hub.HubUri, C2CScenario.Tokens(hub), "u0", ct).ConfigureAwait(false);
        var random = new Random(size);
        // One warm-up call of each: the first query plans and the hub's JIT are not the store's size.
        await u0.InvokeAsync<object>("GetConversations", ct).ConfigureAwait(false);
        await u0.InvokeAsync<object>("SyncMessages", new { chatId = seeder.UserChat(0), afterSeq = 0, limit = 50 }, ct).ConfigureAwait(false);
        var sync = new List<double>(SyncCalls);
        for (var i = 0; i < SyncCalls; i++)
        {
            var chat = random.Next(UserConversations);
            var after = random.NextInt64(Math.Max(1, seeder.LastSeq(seeder.UserChat(chat)) - 50));
            var started = Stopwatch.GetTimestamp();
            await u0.InvokeAsync<object>("SyncMessages", new { chatId = seeder.UserChat(chat), afterSeq = after, limit = 50 }, ct).ConfigureAwait(false);
            sync.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        var conversations = new List<double>(ConversationCalls);
        for (var i = 0; i < ConversationCalls; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await u0.InvokeAsync<object>("GetConversations", ct).ConfigureAwait(false);
            conversations.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        return new BenchResult
        {
            Scenario = Name,
            Phase = $"{provider} {size:N0} msgs",
            StoreProvider = provider,
            StoreMessages = size,
            SyncP50Ms = Quantile(sync, 0.5),
            SyncP99Ms = Quantile(sync, 0.99),
            ConversationsP50Ms = Quantile(conversations, 0.5),
            ConversationsP99Ms = Quantile(conversations, 0.99),
            Note = $"filled in {seeded.TotalSeconds:0.0} s through ApplyAsync",
            LoadAverageStart = before,
            LoadAverageEnd = ServerSample.LoadAverage(),
        };
    }

    private static double Quantile(List<double> samples, double q)
    {
        samples.Sort();
        return Math.Round(samples[Math.Min(samples.Count - 1, (int)Math.Ceiling(q * samples.Count) - 1)], 2);
    }

    private static async Task<(string ConnectionString, Func<Task> Drop)> FreshDatabaseAsync(string mysql)
    {
        // The test user may create databases named like its own (scripts/mariadb.sh grants imsignalr_test%).
        var builder = new MySqlConnectionStringBuilder(mysql);
        var name = $"{builder.Database}_bench_{Guid.NewGuid():N}"[..48];
        await using (var connection = new MySqlConnection(mysql))
        {
            await connection.ExecuteAsync($"CREATE DATABASE `{name}` CHARACTER SET utf8mb4 COLLATE utf8mb4_bin").ConfigureAwait(false);
        }
        builder.Database = name;
        return (builder.ConnectionString, async () =>
        {
            await using var connection = new MySqlConnection(mysql);
            await connection.ExecuteAsync($"DROP DATABASE IF EXISTS `{name}`").ConfigureAwait(false);
        });
    }

    /// <summary>Writes messages in the shape described above, continuing where the previous size stopped.</summary>
    private sealed class Seeder
    {
        private readonly Dictionary<string, long> _lastSeq = new(StringComparer.Ordinal);
        private long _written;

        public string UserChat(int k) => ChatIds.ForPair("u0", $"p{k}");

        public long LastSeq(string chatId) => _lastSeq.GetValueOrDefault(chatId);

        public async Task FillToAsync(IMessageStore store, int size, CancellationToken ct)
        {
            var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
            var batch = new List<LogEvent>(BatchSize);
            while (_written < size)
            {
                var i = _written++;
                var (from, to) = i % 2 == 0
                    ? (i % 4 == 0 ? "u0" : $"p{i / 2 % UserConversations}", i % 4 == 0 ? $"p{i / 2 % UserConversations}" : "u0")
                    : ($"o{i / 2 % OtherConversations}", $"o{i / 2 % OtherConversations + OtherConversations}");
                var chat = ChatIds.ForPair(from, to);
                var seq = _lastSeq[chat] = _lastSeq.GetValueOrDefault(chat) + 1;
                batch.Add(new MessageSent(new ChatMessage(i + 1, $"c{i}", chat, seq, from, to, $"message {i} of the store-size bench",
                    1, null, now - size + i, MessageStatus.Delivered)));
                if (batch.Count == BatchSize || _written == size)
                {
                    await store.ApplyAsync(batch, ct).ConfigureAwait(false);
                    batch.Clear();
                }
            }
        }
    }
}
