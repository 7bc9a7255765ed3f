using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests.Operations;

/// <summary>Scrapes <c>/metrics</c> of a hub and parses it strictly.</summary>
public static class MetricsScraper
{
    public static async Task<PrometheusText> ScrapeAsync(this HubProcess hub)
    {
        using var response = await hub.Http.GetAsync("/metrics");
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
