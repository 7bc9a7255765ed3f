using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ImSignalR.Bench;

/// <summary>The table on the console and the JSON file.</summary>
internal static class ResultReport
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static void PrintHeader() =>
        Console.WriteLine($"{"scenario",-19} {"phase",-20} {"acc/s",8} {"dlv/s",8} {"×relay",6} {"p50",7} {"p95",7} {"p99",7} {"max",7} {"loss",5} {"dup",4} {"repush",6} {"err",5} {"srvCPU%",7} {"logMs",6} {"commit",6} {"batch",5} {"warm",5} {"load1",5}");

    public static void PrintRow(BenchResult r)
    {
        var load1 = (r.LoadAverageEnd ?? r.LoadAverageStart ?? "").Split(' ')[0];
        if ((r.Status != "ok" || r.ConsumerLagP99 is not null) && r.Load is null && r.Connections is null)
        {
            Console.WriteLine($"{r.Scenario,-19} {r.Phase,-20} {r.Status.ToUpperInvariant()}: {r.Note}  (load {load1})");
            return;
        }
        if (r.StoreMessages is not null)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{r.Scenario,-19} {r.Phase,-20} SyncMessages p50 {r.SyncP50Ms:0.00} p99 {r.SyncP99Ms:0.00} ms; GetConversations (500) p50 {r.ConversationsP50Ms:0.00} p99 {r.ConversationsP99Ms:0.00} ms; {r.Note}  (load {load1})"));
            return;
        }
        if (r.Connections is not null)
        {
            Console.WriteLine($"{r.Scenario,-19} {r.Phase,-20} open={r.Connections} connect={r.ConnectSeconds:0.0}s rss {Mb(r.RssBeforeBytes)}→{Mb(r.RssAfterBytes)} MB = {r.BytesPerConnection / 1024:0.0} KB/connection{(r.Note is null ? "" : "  " + r.Note)}  (load {load1})");
            return;
        }
        var l = r.Load!;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{r.Scenario,-19} {r.Phase,-20} {l.AcceptedPerSecond,8:0} {l.DeliveredPerSecond,8:0} {(r.RatioToRelay is { } x ? x.ToString("0.00", CultureInfo.InvariantCulture) : "-"),6} {l.Latency.P50,7:0.0} {l.Latency.P95,7:0.0} {l.Latency.P99,7:0.0} {l.Latency.Max,7:0.0} {l.Loss,5} {l.AppDuplicates,4} {l.Repushes,6} {l.SendErrors,5} {r.ServerCpuPercent,7:0} {r.LogAppendMeanMs,6:0.00} {r.CommitMeanMs,6:0.00} {r.BatchMeanEvents,5:0.0} {l.WarmupSeconds,5:0} {load1,5}"));
    }

    private static string Mb(long? bytes) => ((bytes ?? 0) / (1024.0 * 1024)).ToString("0.0", CultureInfo.InvariantCulture);

    public static async Task WriteJsonAsync(string path, BenchOptions options, IReadOnlyList<BenchResult> results, CancellationToken cancellationToken)
    {
        var full = Path.IsPathRooted(path) ? path : Path.Combine(RepoPaths.Root, path);
        Directory.CreateDirectory(Path.GetDirectoryName(full)!);
        var document = new
        {
            date = DateTimeOffset.UtcNow,
            machine = MachineInfo.Describe(),
            options = new { options.Quick, options.Pairs, options.Window, warmupSeconds = options.Warmup.TotalSeconds, settleSeconds = options.Settle.TotalSeconds, durationSeconds = options.Duration.TotalSeconds, options.ContentBytes, options.ConnectionCounts },
            results,
        };
        await using var stream = File.Create(full);
        await JsonSerializer.SerializeAsync(stream, document, Json, cancellationToken).ConfigureAwait(false);
        Console.WriteLine($"results: {full}");
    }
}
