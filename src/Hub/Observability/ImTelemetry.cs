using System.Diagnostics.Metrics;
using ImSignalR.Domain.Services;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace ImSignalR.Hub.Observability;

/// <summary>
/// OpenTelemetry for the node: the <c>ImSignalR</c> meter and the framework's own meters (ASP.NET Core
/// hosting, Kestrel, SignalR connections, routing, authentication, the runtime) to <c>/metrics</c>
/// in Prometheus text, and — only when an OTLP endpoint is configured — the same metrics plus the
/// traces of a send (hub invocation → <c>im.send</c> → <c>im.log.append</c>, <c>im.push</c>) over OTLP.
/// </summary>
internal static class ImTelemetry
{
    /// <summary>
    /// OTLP is on when the standard <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (environment or any other
    /// configuration source). The exporter reads it and the other <c>OTEL_EXPORTER_OTLP_*</c> settings
    /// itself (protocol, headers, timeout) and appends <c>/v1/traces</c>, <c>/v1/metrics</c> for
    /// http/protobuf; setting the endpoint in code would send both signals to one path.
    /// </summary>
    public const string OtlpEndpointSetting = "OTEL_EXPORTER_OTLP_ENDPOINT";

    public const string ServiceName = "imsignalr";

    /// <summary>
    /// Milliseconds, the resolution the hand-written exporter had: from a sub-millisecond in-memory
    /// path to multi-second store stalls. OpenTelemetry's default buckets start at 5 ms.
    /// </summary>
    internal static readonly double[] DurationBucketsMs = [0.25, 0.5, 1, 2, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000];

    /// <summary>Events per group commit: 1 (no load) up to the batch limit (<c>DirectLogOptions.MaxBatchSize</c>, 512).</summary>
    internal static readonly double[] BatchEventBuckets = [1, 2, 5, 10, 20, 50, 100, 200, 512];

    // Framework meters AddAspNetCoreInstrumentation does not enable by itself (new in .NET 10).
    private static readonly string[] FrameworkMeters =
    [
        "Microsoft.AspNetCore.Authentication",
        "Microsoft.AspNetCore.Authorization",
        "Microsoft.AspNetCore.MemoryPool",
    ];

    // The hub's own spans: SignalR's invocation activity, parent of im.send.
    private const string SignalRServerSource = "Microsoft.AspNetCore.SignalR.Server";

    public static IServiceCollection AddImTelemetry(this IServiceCollection services, IConfiguration configuration)
    {
        var otlp = OtlpConfigured(configuration);
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(ServiceName))
            .WithMetrics(metrics =>
            {
                metrics.AddMeter(MessagingMetrics.MeterName)
                    .AddAspNetCoreInstrumentation()
                    .AddRuntimeInstrumentation()
                    .AddMeter(FrameworkMeters)
                    .AddView(HistogramView)
                    .AddPrometheusExporter();
                if (otlp)
                {
                    metrics.AddOtlpExporter();
                }
            });
        if (otlp)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(MessagingTracing.SourceName, SignalRServerSource)
                .AddAspNetCoreInstrumentation()
                .AddOtlpExporter());
        }
        return services;
    }

    private static MetricStreamConfiguration? HistogramView(Instrument instrument) =>
        instrument.Meter.Name != MessagingMetrics.MeterName ? null
        : instrument is Histogram<double> ? new ExplicitBucketHistogramConfiguration { Boundaries = DurationBucketsMs }
        : instrument is Histogram<int> ? new ExplicitBucketHistogramConfiguration { Boundaries = BatchEventBuckets }
        : null;

    /// <summary>True when an OTLP endpoint is configured; a malformed one stops the start, naming the setting.</summary>
    private static bool OtlpConfigured(IConfiguration configuration)
    {
        var value = configuration[OtlpEndpointSetting];
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }
        if (!Uri.TryCreate(value, UriKind.Absolute, out var endpoint) || endpoint.Scheme is not ("http" or "https"))
        {
            throw new OptionsValidationException(OtlpEndpointSetting, typeof(Uri), [$"{OtlpEndpointSetting} must be an absolute http(s) URI, was '{value}'."]);
        }
        return true;
    }
}
