using System.Text.Json;
using System.Text.RegularExpressions;
using ImSignalR.FunctionalTests.Cluster;
using ImSignalR.FunctionalTests.Infrastructure;
using ImSignalR.FunctionalTests.Operations;
using ImSignalR.IntegrationTests.RocketMq.Double;
using Microsoft.AspNetCore.SignalR.Client;

namespace ImSignalR.FunctionalTests.Observability;

/// <summary>
/// Issue 19: every metric the Grafana dashboard (docs/grafana/imsignalr-dashboard.json) queries is on a real
/// node's <c>/metrics</c> — the production shape (Redis, MariaDB, RocketMQ) after the traffic each panel is about,
/// so a renamed instrument or a panel with a typo fails here instead of showing "No data" to an operator.
/// </summary>
[Collection(ClusterCollection.Name)]
public sealed partial class GrafanaDashboardTests
{
    private static readonly string DashboardPath = Path.Combine(HubBinary.RepoRoot, "docs", "grafana", "imsignalr-dashboard.json");

    [Fact]
    public void TheDashboardIsValidJsonWhosePanelsAllQueryPrometheusThroughTheDatasourceVariable()
    {
        using var document = JsonDocument.Parse(File.ReadAllText(DashboardPath));
        var panels = document.RootElement.GetProperty("panels").EnumerateArray().Where(p => p.GetProperty("type").GetString() != "row").ToList();
        Assert.True(panels.Count >= 10, $"only {panels.Count} panels");
        var ids = panels.Select(p => p.GetProperty("id").GetInt32()).ToList();
        Assert.Equal(ids.Count, ids.Distinct().Count());
        foreach (var panel in panels)
        {
            Assert.Equal("${datasource}", panel.GetProperty("datasource").GetProperty("uid").GetString());
            Assert.NotEmpty(panel.GetProperty("targets").EnumerateArray());
        }
        // Every issue-19 subject has a panel.
        var exprs = string.Join('\n', Expressions(document.RootElement));
        foreach (var metric in new[] { "im_sends_accepted_total", "im_send_duration_milliseconds_bucket", "im_pushes_total", "im_sweeper_replays_total",
                     "im_offline_marks_total", "im_rejections_total", "im_connections", "im_health_check_failures_total" })
        {
            Assert.Contains(metric, exprs, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task EveryMetricTheDashboardQueriesIsExportedByANodeInProductionShape()
    {
        await using var mq = RocketMqDouble.Start(brokers: 1);
        var topic = "IM_DASH_" + Guid.NewGuid().ToString("N")[..10];
        mq.CreateTopic(topic, queuesPerBroker: 4);
        await using var cluster = await ClusterFixture.StartAsync(nodes: 1, extra: new Dictionary<string, string>
        {
            ["Im__RocketMq__NameServer"] = mq.NameServerAddress,
            ["Im__RocketMq__Topic"] = topic,
            ["Im__RocketMq__ConsumerGroup"] = "g_" + topic,
            ["Im__RocketMq__RequestTimeout"] = "00:00:01",
            ["Im__RocketMq__ConnectTimeout"] = "00:00:01",
        });
        var hub = cluster.Nodes[0];
        var run = Guid.NewGuid().ToString("N")[..8];
        await using var alice = await RecordingClient.ConnectAsync(hub, $"alice-{run}");
        // bob's official client receives but never acks: the sweeper replays to him.
        var bobId = $"bob-{run}";
        var bobToken = await hub.TokenAsync(bobId);
        await using var bob = new HubConnectionBuilder()
            .WithUrl(hub.HubUri, o => o.AccessTokenProvider = () => Task.FromResult<string?>(bobToken))
            .Build();
        var bobGot = 0;
        bob.On<JsonElement>("ReceiveC2C", _ => Interlocked.Increment(ref bobGot));
        await bob.StartAsync();

        var sent = await alice.SendAsync(bobId, "hello", $"h-{run}");       // accepted, pushed, log append; bob never acks it
        await alice.SendAsync(bobId, "hello", $"h-{run}");                  // duplicate
        var acked = await alice.SendAsync(bobId, "second");
        await bob.InvokeAsync<JsonElement>("Ack", new { msgIds = new[] { acked.MsgId }, status = "Delivered" });
        await alice.SendAsync($"nobody-{run}", "anyone?");                  // offline mark
        await Assert.ThrowsAsync<ImSignalR.Client.ImServerException>(() => alice.SendAsync(alice.UserId, "to myself")); // rejection
        await alice.Client.SyncAsync(sent.ChatId, 0, 10);
        // A bad token: counted as an auth failure.
        using (var request = new HttpRequestMessage(HttpMethod.Get, "/api/conversations"))
        {
            request.Headers.Authorization = new("Bearer", "not-a-token");
            await hub.Http.SendAsync(request);
        }
        // A dependency down: the readiness check counts the failure.
        await mq.Brokers[0].StopAsync();
        await hub.Http.GetAsync("/health/ready");
        mq.Brokers[0].Start();

        var wanted = Expressions(JsonDocument.Parse(File.ReadAllText(DashboardPath)).RootElement)
            .SelectMany(MetricNames).ToHashSet(StringComparer.Ordinal);
        HashSet<string> missing = [];
        try
        {
            await Eventually.TrueAsync(async () =>
            {
                var scrape = await hub.ScrapeAsync();
                var names = scrape.Samples.Select(s => s.Name).ToHashSet(StringComparer.Ordinal);
                missing = wanted.Where(m => !names.Contains(m)).ToHashSet(StringComparer.Ordinal);
                // Counters are exported at 0 from the start: wait for the replay itself too.
                return missing.Count == 0 && scrape.Value("im_sweeper_replays_total") >= 1 && Volatile.Read(ref bobGot) >= 3;
            }, "every dashboard metric on /metrics", TimeSpan.FromSeconds(20));
        }
        catch (Exception) when (missing.Count > 0)
        {
            Assert.Fail("queried by the dashboard but not on /metrics: " + string.Join(", ", missing.Order()));
        }
    }

    private static IEnumerable<string> Expressions(JsonElement dashboard) =>
        dashboard.GetProperty("panels").EnumerateArray()
            .Where(p => p.TryGetProperty("targets", out _))
            .SelectMany(p => p.GetProperty("targets").EnumerateArray())
            .Select(t => t.GetProperty("expr").GetString()!);

    /// <summary>The metric names in a PromQL expression: identifiers followed by a selector, less functions and keywords.</summary>
    private static IEnumerable<string> MetricNames(string expr) =>
        MetricName().Matches(expr).Select(m => m.Groups[1].Value)
            .Where(n => !PromQlWords.Contains(n));

    private static readonly HashSet<string> PromQlWords = new(StringComparer.Ordinal)
    {
        "sum", "max", "min", "avg", "by", "rate", "increase", "histogram_quantile", "label_values",
    };

    [GeneratedRegex(@"\b([a-z_][a-z0-9_]*)\s*\{")]
    private static partial Regex MetricName();
}
