using System.Text.Json;

namespace ImSignalR.Bench;

/// <summary>The SVG charts of the growth curves (issue 19), from a run's rows or from an earlier results file.</summary>
internal static class GrowthCharts
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public static async Task<IReadOnlyList<BenchResult>> LoadAsync(string path, CancellationToken cancellationToken)
    {
        await using var stream = File.OpenRead(path);
        using var document = await JsonDocument.ParseAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        return document.RootElement.GetProperty("results").Deserialize<List<BenchResult>>(Json) ?? [];
    }

    /// <returns>The files written.</returns>
    public static IReadOnlyList<string> Write(IReadOnlyList<BenchResult> results, string directory)
    {
        var full = Path.IsPathRooted(directory) ? directory : Path.Combine(RepoPaths.Root, directory);
        Directory.CreateDirectory(full);
        var load = results.Select(r => r.LoadAverageEnd ?? r.LoadAverageStart).FirstOrDefault(l => l is not null)?.Split(' ')[0];
        var footnote = $"{Environment.ProcessorCount} cores, load {load ?? "?"} at start";
        var conversations = results.Where(r => r is { Scenario: ConversationsScenario.Name, Status: "ok", Conversations: > 0, Load: not null }).ToList();
        var connections = results.Where(r => r is { Scenario: "connections" or "conn-relay", Status: "ok", Connections: > 0 }).ToList();
        var stores = results.Where(r => r is { Scenario: StoreSizeScenario.Name, StoreMessages: > 0 }).ToList();
        var charts = new Dictionary<string, SvgChart>
        {
            ["store-sync-p99.svg"] = Store("SyncMessages p99 (50 messages) vs store size", stores, r => r.SyncP99Ms, footnote),
            ["store-conversations-p99.svg"] = Store("GetConversations p99 (a user with 500) vs store size", stores, r => r.ConversationsP99Ms, footnote),
            ["conversations-throughput.svg"] = new SvgChart { Title = "Accepted sends vs concurrent conversations (embedded)", XLabel = "concurrent conversations", YLabel = "accepted msg/s", Footnote = footnote }
                .Add("accepted msg/s", conversations.Select(r => ((double)r.Conversations!.Value, r.Load!.AcceptedPerSecond))),
            ["conversations-p99.svg"] = new SvgChart { Title = "Send → receive latency vs concurrent conversations (embedded)", XLabel = "concurrent conversations", YLabel = "ms", Footnote = footnote }
                .Add("p99", conversations.Select(r => ((double)r.Conversations!.Value, r.Load!.Latency.P99)))
                .Add("p50", conversations.Select(r => ((double)r.Conversations!.Value, r.Load!.Latency.P50))),
            ["connections-rss.svg"] = new SvgChart { Title = "Server RSS vs idle connections", XLabel = "idle connections", YLabel = "RSS growth, MB", Footnote = footnote }
                .Add("ImSignalR hub", Rss(connections, "connections"))
                .Add("bare SignalR relay", Rss(connections, "conn-relay")),
        };
        var written = new List<string>();
        foreach (var (file, chart) in charts.Where(c => !c.Value.IsEmpty))
        {
            var path = Path.Combine(full, file);
            File.WriteAllText(path, chart.Render());
            written.Add(path);
        }
        return written;
    }

    private static SvgChart Store(string title, List<BenchResult> rows, Func<BenchResult, double?> value, string footnote)
    {
        var chart = new SvgChart { Title = title, XLabel = "messages in the store", YLabel = "ms", Footnote = footnote };
        foreach (var provider in rows.Select(r => r.StoreProvider!).Distinct())
        {
            chart.Add(provider, rows.Where(r => r.StoreProvider == provider && value(r) is not null).Select(r => ((double)r.StoreMessages!.Value, value(r)!.Value)));
        }
        return chart;
    }

    private static IEnumerable<(double X, double Y)> Rss(List<BenchResult> rows, string scenario) =>
        rows.Where(r => r.Scenario == scenario && r.RssAfterBytes is not null && r.RssBeforeBytes is not null)
            .Select(r => ((double)r.Connections!.Value, (r.RssAfterBytes!.Value - r.RssBeforeBytes!.Value) / (1024.0 * 1024)));
}
