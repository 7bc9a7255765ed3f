using System.Diagnostics;
using System.Runtime.CompilerServices;
using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests.Operations;

/// <summary>Scrapes <c>/metrics</c> of a hub and parses it strictly.</summary>
public static class MetricsScraper
{
    /// <summary>
    /// OpenTelemetry's Prometheus exporter answers from a cached scrape for 300 ms
    /// (<c>ScrapeResponseCacheDurationMilliseconds</c>); waiting a little longer since this hub's last
    /// scrape makes every scrape fresh, so a "before" scrape never misses what happened just before it.
    /// </summary>
    private static readonly TimeSpan CacheWindow = TimeSpan.FromMilliseconds(400);

    private static readonly ConditionalWeakTable<HubProcess, StrongBox<long>> LastScrape = new();

    public static async Task<PrometheusText> ScrapeAsync(this HubProcess hub)
    {
        var last = LastScrape.GetValue(hub, _ => new StrongBox<long>(0));
        var since = Stopwatch.GetElapsedTime(Interlocked.Read(ref last.Value));
        if (last.Value != 0 && since < CacheWindow)
        {
            await Task.Delay(CacheWindow - since);
        }
        using var response = await hub.Http.GetAsync("/metrics");
        Interlocked.Exchange(ref last.Value, Stopwatch.GetTimestamp());
        response.EnsureSuccessStatusCode();
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType);
        return PrometheusText.Parse(await response.Content.ReadAsStringAsync());
    }

    /// <summary>Polls until <paramref name="name"/>{labels} reaches at least <paramref name="atLeast"/> (metrics are recorded after the reply).</summary>
    public static async Task<PrometheusText> WaitForAsync(this HubProcess hub, string name, double atLeast, params (string Key, string Value)[] labels)
    {
        PrometheusText? last = null;
        await Eventually.TrueAsync(async () =>
        {
            last = await hub.ScrapeAsync();
            return last.Value(name, labels) >= atLeast;
        }, $"{name}{{{string.Join(",", labels.Select(l => l.Key + "=" + l.Value))}}} >= {atLeast}", TimeSpan.FromSeconds(10));
        return last!;
    }
}
