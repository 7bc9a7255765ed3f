using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.SignalR.Client;
using MySqlConnector;

namespace ImSignalR.Bench;

/// <summary>
/// What one group message costs the store, at 10, 100 and 1,000 members: read diffusion stores one copy, so the rows
/// and redo bytes per message must not grow with the member count. Measured with MariaDB's own global counters around
/// serial sends (Handler_write: rows the engine was asked to insert, Handler_update: rows updated, Innodb_os_log_written:
/// redo bytes) — server-wide, so the figures are only clean on a server nothing else writes to — and the send's result
/// latency, which includes the durable commit.
/// </summary>
internal static class GroupStoreCost
{
    public const string Name = "group-store";

    private static readonly int[] Sizes = [10, 100, 1_000];
    private static readonly string[] Counters = ["Handler_write", "Handler_update", "Innodb_os_log_written"];
    private const int WarmupMessages = 20;

    public static async Task RunAsync(ScenarioContext context, ServerProcess node, string mysql, string run)
    {
        var ct = context.CancellationToken;
        var tokens = C2CScenario.Tokens(node);
        var messages = context.Options.Quick ? 50 : 200;
        foreach (var size in Sizes)
        {
            var prefix = $"group-{run}-cost{size}";
            await using var sender = await LoadRunner.OpenAsync(node.HubUri, tokens, prefix + "-s", ct).ConfigureAwait(false);
            var groupId = await GroupSetup.CreateAsync(sender, $"cost {size}", Enumerable.Range(1, size - 1).Select(i => $"{prefix}-m{i}").ToList(), ct)
                .ConfigureAwait(false);
            var next = 0;
            for (var i = 0; i < WarmupMessages; i++)
            {
                await SendAsync(sender, groupId, $"{prefix}-w{next++}").ConfigureAwait(false);
            }
            await using var db = new MySqlConnection(mysql);
            await db.OpenAsync(ct).ConfigureAwait(false);
            var before = await StatusAsync(db, ct).ConfigureAwait(false);
            var loadBefore = ServerSample.LoadAverage();
            var latencies = new List<double>(messages);
            var errors = 0;
            var watch = Stopwatch.StartNew();
            for (var i = 0; i < messages; i++)
            {
                var start = Stopwatch.GetTimestamp();
                try
                {
                    await SendAsync(sender, groupId, $"{prefix}-c{next++}").ConfigureAwait(false);
                    latencies.Add(Stopwatch.GetElapsedTime(start).TotalMilliseconds);
                }
                catch (Exception ex) when (BenchConnections.IsCallFailure(ex))
                {
                    errors++;
                }
            }
            var seconds = watch.Elapsed.TotalSeconds;
            var after = await StatusAsync(db, ct).ConfigureAwait(false);
            var accepted = latencies.Count;
            double Per(string counter) => accepted == 0 ? double.NaN : (after[counter] - before[counter]) / (double)accepted;
            var note = string.Create(CultureInfo.InvariantCulture,
                $"per message: {Per("Handler_write"):0.00} rows written, {Per("Handler_update"):0.00} rows updated, {Per("Innodb_os_log_written"):0} B redo");
            context.Add(new BenchResult
            {
                Scenario = Name,
                Phase = $"{size} members",
                Status = errors == 0 ? "ok" : "failed",
                Note = note,
                Load = new LoadPhaseResult("serial", size, 1, 0, Math.Round(seconds, 2), accepted, accepted / seconds, 0, LatencyStats.From(latencies),
                    0, 0, 0, errors, 0, 0),
                LoadAverageStart = loadBefore,
                LoadAverageEnd = ServerSample.LoadAverage(),
            });
            // The table's columns are the send → result latency of the serial sends; the store's figures follow on their own line.
            Console.WriteLine($"{"",-19} {"",-20} {note}");
        }
    }

    private static Task<JsonElement> SendAsync(HubConnection sender, string groupId, string clientMsgId) =>
        BenchConnections.InvokeAsync<JsonElement>(sender, "SendGroup", [GroupSetup.Send(groupId, clientMsgId, "store cost " + clientMsgId)], CancellationToken.None);

    private static async Task<Dictionary<string, long>> StatusAsync(MySqlConnection db, CancellationToken cancellationToken)
    {
        await using var command = db.CreateCommand();
        command.CommandText = "SHOW GLOBAL STATUS WHERE Variable_name IN ('" + string.Join("', '", Counters) + "')";
        var values = new Dictionary<string, long>(StringComparer.OrdinalIgnoreCase);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            values[reader.GetString(0)] = long.Parse(reader.GetString(1), CultureInfo.InvariantCulture);
        }
        foreach (var counter in Counters.Where(c => !values.ContainsKey(c)))
        {
            throw new InvalidOperationException($"The server has no status variable {counter}.");
        }
        return values;
    }
}
