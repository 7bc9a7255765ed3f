using ImSignalR.Bench.RelayHub;
using Microsoft.AspNetCore.SignalR;

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
// The same per-connection parallelism as the real hub, so the two are driven alike.
var parallel = builder.Configuration.GetValue("Relay:MaxParallelInvocationsPerClient", 4);
var signalR = builder.Services.AddSignalR(o => o.MaximumParallelInvocationsPerClient = parallel);
// Relay:Redis set: several relay nodes share the official Redis backplane, as the real hub's nodes do (the group scenario).
if (builder.Configuration["Relay:Redis"] is { Length: > 0 } redis)
{
    signalR.AddStackExchangeRedis(redis);
}
builder.Services.AddSingleton<IUserIdProvider, TokenUserIdProvider>();

var app = builder.Build();
app.UseWebSockets();
app.MapGet("/health/ready", () => "ok");
app.MapHub<RelayHub>("/hubs/chat");
app.Run();
