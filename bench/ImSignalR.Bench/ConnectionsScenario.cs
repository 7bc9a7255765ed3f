using System.Diagnostics;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImSignalR.Bench;

/// <summary>
/// K idle authenticated connections to a fresh embedded hub; memory per connection is the growth of
/// the server's RSS (after a settle) divided by K.
/// </summary>
internal static class ConnectionsScenario
{
    private const int ConnectParallelism = 32;
    private static readonly TimeSpan Settle = TimeSpan.FromSeconds(5);

    /// <param name="relay">Against the bare relay instead: what SignalR and Kestrel alone cost per connection.</param>
    public static async Task RunAsync(ScenarioContext context, int count, bool relay)
    {
        var ct = context.CancellationToken;
        var data = relay ? null : HubEnvironment.NewDataDirectory();
        await using var hub = relay
            ? await ServerProcess.StartAsync(RepoPaths.RelayDll, new Dictionary<string, string>(), null, ct).ConfigureAwait(false)
            : await ServerProcess.StartAsync(RepoPaths.HubDll, HubEnvironment.Embedded(data!, context.Options), data, ct).ConfigureAwait(false);
        var tokens = relay ? (user, _) => Task.FromResult(user) : C2CScenario.Tokens(hub);
        var userIds = Enumerable.Range(0, count).Select(i => $"idle{i}").ToArray();
        // Tokens first, so the measured growth is connections, not the token endpoint's work.
        await Parallel.ForEachAsync(userIds, new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = ct }, async (u, t) => await tokens(u, t).ConfigureAwait(false)).ConfigureAwait(false);
        // One connection first: the connect path is JIT-compiled and its pools exist before the baseline.
        var warm = await LoadRunner.OpenAsync(hub.HubUri, tokens, "warmup", ct).ConfigureAwait(false);
        await warm.DisposeAsync().ConfigureAwait(false);
        await Task.Delay(Settle, ct).ConfigureAwait(false);
        var before = await ServerSample.TakeAsync([hub], ct).ConfigureAwait(false);
        var rssBefore = hub.RssBytes();

        var connections = new HubConnection?[count];
        var failures = 0;
        var connect = Stopwatch.StartNew();
        await Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = ConnectParallelism, CancellationToken = ct }, async (i, t) =>
        {
            try
            {
                connections[i] = await LoadRunner.OpenAsync(hub.HubUri, tokens, userIds[i], t).ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is HttpRequestException or System.Net.WebSockets.WebSocketException or TimeoutException or OperationCanceledException or IOException)
            {
                Interlocked.Increment(ref failures);
            }
        }).ConfigureAwait(false);
        var connectSeconds = connect.Elapsed.TotalSeconds;
        await Task.Delay(Settle, ct).ConfigureAwait(false);
        var rssAfter = hub.RssBytes();
        var after = await ServerSample.TakeAsync([hub], ct).ConfigureAwait(false);
        var open = connections.Count(c => c is { State: HubConnectionState.Connected });
        context.Add(new BenchResult
        {
            Scenario = relay ? "conn-relay" : "connections",
            Phase = $"{count} idle",
            Status = open == count ? "ok" : "failed",
            Note = open == count ? null : $"{open} of {count} connected ({failures} failed to connect)",
            Connections = open,
            ConnectSeconds = Math.Round(connectSeconds, 2),
            RssBeforeBytes = rssBefore,
            RssAfterBytes = rssAfter,
            BytesPerConnection = open > 0 ? Math.Round((rssAfter - rssBefore) / (double)open) : null,
            ServerCpuPercent = Math.Round(100 * (after.ServerCpu - before.ServerCpu).TotalSeconds / Stopwatch.GetElapsedTime(before.Timestamp, after.Timestamp).TotalSeconds, 1),
            LoadAverageStart = before.LoadAverageText,
            LoadAverageEnd = after.LoadAverageText,
        });
        // The server goes first: the clients then see the socket end and stop without a close handshake each.
        await hub.DisposeAsync().ConfigureAwait(false);
        foreach (var connection in connections)
        {
            if (connection is not null)
            {
                try
                {
                    await connection.DisposeAsync().ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException or System.Net.WebSockets.WebSocketException)
                {
                    // Closing anyway.
                }
            }
        }
    }
}
