using System.Text.Json;
using ImSignalR.Hub.Observability;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace ImSignalR.Hub.Endpoints;

/// <summary><c>/health/live</c> (the process answers), <c>/health/ready</c> (every configured dependency), <c>/metrics</c>.</summary>
internal static class HealthEndpoints
{
    public const string ReadyTag = "ready";

    public static void MapImHealth(this IEndpointRouteBuilder app)
    {
        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync }).AllowAnonymous();
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = c => c.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync }).AllowAnonymous();
        // OpenTelemetry's Prometheus exporter (text 0.0.4, or OpenMetrics when the scraper asks for it).
        app.MapPrometheusScrapingEndpoint("/metrics").AllowAnonymous();
    }

    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        context.Response.ContentType = "application/json";
        var metrics = context.RequestServices.GetRequiredService<HubMetrics>();
        foreach (var (name, entry) in report.Entries)
        {
            if (entry.Status != HealthStatus.Healthy)
            {
                metrics.HealthCheckFailures.Add(1, new KeyValuePair<string, object?>("check", name));
            }
        }
        var body = new
        {
            status = report.Status.ToString(),
            checks = report.Entries.ToDictionary(e => e.Key, e => new { status = e.Value.Status.ToString(), description = e.Value.Description }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body));
    }
}
