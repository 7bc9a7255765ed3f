using ImSignalR.Domain.Contracts;
using ImSignalR.Hub.Background;
using ImSignalR.Hub.Composition;
using ImSignalR.Hub.Endpoints;
using ImSignalR.Hub.Hubs;
using ImSignalR.Infrastructure.Direct;
using ImSignalR.Infrastructure.Persistence;

var builder = WebApplication.CreateBuilder(args);
var options = builder.AddImSignalR();

var app = builder.Build();
var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("ImSignalR.Hub");

// Versioned migrations before anything reads or writes (SPEC §7).
await app.Services.GetRequiredService<StoreMigrator>().MigrateAsync(app.Lifetime.ApplicationStopping);
BackgroundLog.StoreMigrated(logger, options.Store.Provider);

app.UseDefaultFiles();
app.UseStaticFiles();
app.UseWebSockets();
app.UseAuthentication();
app.UseAuthorization();

app.MapImHealth();
if (options.HasRole("hub"))
{
    app.MapHub<ChatHub>(HubMethods.HubPath);
    app.MapImRest();
    if (options.Auth.DevTokens ?? options.IsEmbedded)
    {
        app.MapDevTokens();
    }
}

// Graceful shutdown: once Kestrel stopped taking requests, drain the group-commit queue so every
// send that was told "accepted" is on disk.
app.Lifetime.ApplicationStopped.Register(() =>
    app.Services.GetRequiredService<DirectMessageLog>().DisposeAsync().AsTask().GetAwaiter().GetResult());

BackgroundLog.Started(logger, app.Services.GetRequiredService<ImSignalR.Domain.Identity.SnowflakeIdGenerator>().NodeId,
    options.IsEmbedded ? "embedded" : "cluster", options.Roles);
await app.RunAsync();

/// <summary>Entry point, visible to tests.</summary>
public partial class Program;
