using ImSignalR.Contracts;
using ImSignalR.FunctionalTests.Infrastructure;
using Microsoft.Data.Sqlite;
using Xunit.Abstractions;

namespace ImSignalR.FunctionalTests.Client;

/// <summary>
/// Issue 20 acceptance for the .NET SDK: a client process killed (SIGKILL) with sends in its SQLite
/// outbox sends them on its next start, and the recipient's conversation holds each exactly once.
/// </summary>
public sealed class ClientStateStoreTests(ITestOutputHelper output)
{
    private static readonly Dictionary<string, string> FastHub = new()
    {
        ["Im__Limits__SendsPerSecond"] = "100000",
        ["Im__Limits__SendBurst"] = "100000",
    };

    [Fact]
    public async Task AClientKilledMidStreamSendsItsStoredOutboxOnceOnItsNextStart()
    {
        const int count = 400;
        await using var hub = await HubProcess.StartAsync(FastHub);
        var sender = HubFixture.NewUser("killed");
        await using var bob = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("bob"), reliable: true);
        var state = Path.Combine(Directory.CreateTempSubdirectory("imsignalr-client-state-").FullName, "client.db");
        var token = await hub.TokenAsync(sender);

        // First life: queue everything, and die once some of it has arrived (mid-stream, sends in flight).
        using (var first = ClientProcess.Start(output, "send", hub.HubUri, state, sender, token, bob.UserId, count.ToString(System.Globalization.CultureInfo.InvariantCulture), "k"))
        {
            await first.WaitForLineAsync("QUEUED");
            await Eventually.TrueAsync(() => bob.Received.Count >= 10, "the first sends arrive");
            first.Kill();
        }
        var leftInOutbox = await CountOutboxAsync(state);
        output.WriteLine($"killed with {leftInOutbox} sends in the stored outbox, {bob.Received.Count} received");
        Assert.InRange(leftInOutbox, 1, count);

        // Second life: the stored outbox is restored and sent.
        using (var second = ClientProcess.Start(output, "drain", hub.HubUri, state, sender, token))
        {
            var restored = await second.WaitForLineAsync("RESTORED ");
            Assert.Equal($"RESTORED {leftInOutbox}", restored);
            await second.WaitForLineAsync("DRAINED");
            await second.WaitForExitAsync();
        }
        Assert.Equal(0, await CountOutboxAsync(state));

        // Counted on the server: every text once, in the order the first life queued them.
        var stored = new List<ImMessage>();
        long? before = null;
        while (true)
        {
            var page = await bob.Client.GetHistoryAsync(bob.Client.UserId is { } me ? Chat(me, sender) : throw new InvalidOperationException("no user"), before, 200);
            stored.InsertRange(0, page.Messages);
            if (!page.HasMore || page.Messages.Count == 0)
            {
                break;
            }
            before = page.Messages[0].Seq;
        }
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"k-{i}"), stored.Select(m => m.Content));
        // And on the recipient: each delivered once.
        await Eventually.TrueAsync(() => bob.Received.Count >= count, "bob receives everything");
        await Task.Delay(500);
        Assert.Equal(Enumerable.Range(0, count).Select(i => $"k-{i}"), bob.Received.Select(m => m.Content));
    }

    [Fact]
    public async Task AClientKilledAfterHandlingMessagesDoesNotHandThemOverAgainOnItsNextStart()
    {
        await using var hub = await HubProcess.StartAsync(FastHub);
        await using var alice = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("alice"), reliable: true);
        var receiver = HubFixture.NewUser("receiver");
        var state = Path.Combine(Directory.CreateTempSubdirectory("imsignalr-client-state-").FullName, "client.db");
        var token = await hub.TokenAsync(receiver);

        using (var first = ClientProcess.Start(output, "receive", hub.HubUri, state, receiver, token))
        {
            await first.WaitForLineAsync("CONNECTED");
            for (var i = 0; i < 5; i++)
            {
                await alice.Client.SendTextAsync(receiver, $"before {i}");
            }
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal($"GOT before {i}", await first.WaitForLineAsync("GOT "));
            }
            // Longer than StateFlushInterval (200 ms): the handled cursor is in the file.
            await Task.Delay(1000);
            first.Kill();
        }
        // Nothing was acked (the receiver's acks wait an hour), so the server still has all five as undelivered.
        var undelivered = await alice.Client.GetHistoryAsync(Chat(alice.UserId, receiver));
        Assert.All(undelivered.Messages, m => Assert.True(m.Status < 3, $"{m.Content} is {m.Status}"));

        await alice.Client.SendTextAsync(receiver, "after 0");
        await alice.Client.SendTextAsync(receiver, "after 1");
        using var second = ClientProcess.Start(output, "receive", hub.HubUri, state, receiver, token);
        Assert.Equal("GOT after 0", await second.WaitForLineAsync("GOT "));
        Assert.Equal("GOT after 1", await second.WaitForLineAsync("GOT "));
        await Task.Delay(1500);
        Assert.DoesNotContain(second.TakeRemainingLines(), l => l.StartsWith("GOT ", StringComparison.Ordinal));
    }

    private static string Chat(string a, string b) => string.CompareOrdinal(a, b) < 0 ? $"c2c:{a}:{b}" : $"c2c:{b}:{a}";

    private static async Task<long> CountOutboxAsync(string path)
    {
        await using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM outbox";
        return (long)(await command.ExecuteScalarAsync())!;
    }
}
