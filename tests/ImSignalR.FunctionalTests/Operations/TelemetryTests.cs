using ImSignalR.FunctionalTests.Infrastructure;

namespace ImSignalR.FunctionalTests.Operations;

/// <summary>OpenTelemetry over OTLP, on only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.</summary>
public sealed class TelemetryTests
{
    [Fact]
    public async Task WithAnOtlpEndpointASendIsTracedFromTheHubInvocationToThePushAndMetricsAreExported()
    {
        await using var collector = OtlpReceiver.Start();
        await using var hub = await HubProcess.StartAsync(new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint.ToString(),
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
        });
        await using var alice = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("alice"));
        await using var bob = await RecordingClient.ConnectAsync(hub, HubFixture.NewUser("bob"));

        await alice.SendAsync(bob.UserId, "traced");

        // SignalR's own invocation span (ChatHub/SendC2C), then the domain's spans under it.
        await Eventually.TrueAsync(() => collector.Received("/v1/traces", "SendC2C", "im.send", "im.log.append", "im.push"),
            "the send's spans reach the collector", TimeSpan.FromSeconds(20));
        await Eventually.TrueAsync(() => collector.Received("/v1/metrics", "im.sends.accepted", "im.send.duration"),
            "the product's metrics reach the collector", TimeSpan.FromSeconds(20));
        // The WebSocket request carries access_token in its query; the instrumentation redacts it.
        Assert.False(collector.Received("/v1/traces", "eyJ"), "a trace carries a token");
    }
}
