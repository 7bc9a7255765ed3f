using System.Collections.Concurrent;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace ImSignalR.FunctionalTests.Push;

/// <summary>A local HTTP server (Kestrel, in the test process) standing in for the app's push service.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failuresLeft;
    private int _inFlight;
    private TaskCompletionSource _gate = CompletedGate();

    private WebhookReceiver(WebApplication app) => _app = app;

    /// <summary>Every request, in arrival order (failed ones included).</summary>
    public ConcurrentQueue<WebhookCall> Calls { get; } = new();

    public Uri Url { get; private set; } = null!;

    /// <summary>Requests being held (see <see cref="Hold"/>).</summary>
    public int InFlight => Volatile.Read(ref _inFlight);

    /// <summary>Requests wait, unanswered, until <see cref="Release"/>: a webhook that hangs.</summary>
    public void Hold() => Volatile.Write(ref _gate, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void Release() => Volatile.Read(ref _gate).TrySetResult();

    /// <summary>The next <paramref name="count"/> requests are answered 503 (an outage).</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failuresLeft, count);

    /// <summary>Notifications of the requests answered 200.</summary>
    public IReadOnlyList<JsonElement> Accepted => [.. Calls.Where(c => c.Status == 200).SelectMany(c => c.Notifications)];

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/push", async (HttpContext context) =>
        {
            using var buffer = new MemoryStream();
            await context.Request.Body.CopyToAsync(buffer);
            Interlocked.Increment(ref receiver._inFlight);
            await Volatile.Read(ref receiver._gate).Task;
            Interlocked.Decrement(ref receiver._inFlight);
            var status = Interlocked.Decrement(ref receiver._failuresLeft) >= 0 ? 503 : 200;
            receiver.Calls.Enqueue(new WebhookCall(
                buffer.ToArray(),
                context.Request.Headers["X-Im-Timestamp"].ToString(),
                context.Request.Headers["X-Im-Signature"].ToString(),
                context.Request.Headers["X-Im-Delivery"].ToString(),
                context.Request.Headers["X-Im-Attempt"].ToString(),
                context.Request.ContentType ?? "",
                status));
            context.Response.StatusCode = status;
        });
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        receiver.Url = new Uri(address.TrimEnd('/') + "/push");
        return receiver;
    }

    public async ValueTask DisposeAsync()
    {
        Release();
        await _app.DisposeAsync();
    }

    private static TaskCompletionSource CompletedGate()
    {
        var gate = new TaskCompletionSource();
        gate.SetResult();
        return gate;
    }
}

/// <summary>One request as the receiver saw it.</summary>
public sealed record WebhookCall(byte[] Body, string Timestamp, string Signature, string Delivery, string Attempt, string ContentType, int Status)
{
    public IReadOnlyList<JsonElement> Notifications =>
        [.. JsonDocument.Parse(Body).RootElement.GetProperty("notifications").EnumerateArray().Select(e => e.Clone())];
}
