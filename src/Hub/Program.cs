using ImSignalR.Contracts;
using ImSignalR.Domain.Ports;
using ImSignalR.Hub.Background;
using ImSignalR.Hub.Composition;
using ImSignalR.Hub.Settings;
using ImSignalR.Hub.Endpoints;
using ImSignalR.Hub.Hubs;
using ImSignalR.Storage;

// Content root = the binary folder, so appsettings.json and wwwroot are found from any working
// directory; relative data paths (./data) still resolve against the working directory.
var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
var options = builder.AddImSignalR();

var app = builder.Build();
var topology = app.Services.GetRequiredService<ImTopology>();
var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ImSignalR.Hub");
// Listen before the first measurement, or /metrics misses what happened before its first scrape.
app.Services.GetRequiredService<OpenTelemetry.Metrics.MeterProvider>();

// Versioned migrations before anything reads or writes (SPEC §7).
await app.Services.GetRequiredService<StoreMigrator>().MigrateAsync(app.Lifetime.ApplicationStopping);
BackgroundLog.StoreMigrated(logger, app.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<ImStoreOptions>>().Value.Provider);

// First, so it sees every refusal: 401 at negotiate/connect, 413, REST errors (im.rejections).
app.UseMiddleware<ImSignalR.Hub.Observability.HttpRejectionMetrics>();
app.UseDefaultFiles();
app.UseStaticFiles();
app.UseWebSockets();
app.UseAuthentication();
app.UseAuthorization();
if (options.HasRole("hub"))
{
    // G7: a hub connection token is honoured only for the user who negotiated it (long polling, SSE, reconnects).
    app.UseMiddleware<TransportUserBinding>();
}

app.MapImHealth();
if (options.HasRole("hub"))
{
    app.MapChatHub();
    app.MapImRest();
    app.MapImAdminStats();
    app.MapAdminConnections();
    if (options.Auth.DevTokens ?? topology.IsEmbedded)
    {
        app.MapDevTokens();
    }
}

// Graceful shutdown: once Kestrel stopped taking requests, drain the message log (the group-commit
// queue in direct mode) so every send that was told "accepted" is durable.
app.Lifetime.ApplicationStopped.Register(() =>
{
    if (app.Services.GetRequiredService<IMessageLog>() is IAsyncDisposable log)
    {
        log.DisposeAsync().AsTask().GetAwaiter().GetResult();
    }
});

BackgroundLog.Started(logger, app.Services.GetRequiredService<ImSignalR.Domain.Identity.SnowflakeIdGenerator>().NodeId,
    topology.IsEmbedded ? "embedded" : "cluster", options.Roles);
await app.RunAsync();

/// <summary>Entry point, visible to tests.</summary>
public partial class Program;
