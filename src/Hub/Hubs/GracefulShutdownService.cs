namespace ImSignalR.Hub.Hubs;

/// <summary>
/// Hooks <see cref="ConnectionDrain"/> into <see cref="IHostApplicationLifetime.ApplicationStopping"/>.
/// </summary>
/// <remarks>
/// Order matters. SignalR's connection manager also listens to ApplicationStopping and aborts every
/// connection without a Close message. Cancellation callbacks run in reverse registration order, and
/// that manager registers when <c>MapHub</c> builds the endpoint — before hosted services start — so
/// registering here runs the drain first. Afterwards Kestrel stops accepting and drains requests,
/// hosted services stop, and on ApplicationStopped Program.cs disposes the message log, which
/// flushes the group commit: every send that was answered is durable before the process exits.
/// </remarks>
internal sealed class GracefulShutdownService(ConnectionDrain drain, IHostApplicationLifetime lifetime, ILogger<GracefulShutdownService> logger) : IHostedService
{
    private CancellationTokenRegistration _registration;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _registration = lifetime.ApplicationStopping.Register(() =>
        {
            HubLog.Draining(logger, drain.Connections);
            var (inFlight, open) = drain.Drain();
            HubLog.Drained(logger, inFlight, open);
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        _registration.Dispose();
        return Task.CompletedTask;
    }
}
