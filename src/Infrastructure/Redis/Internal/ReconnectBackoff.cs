namespace ImSignalR.Infrastructure.Redis.Internal;

/// <summary>Exponential reconnect delays with jitter, so several nodes do not reconnect in lockstep.</summary>
internal sealed class ReconnectBackoff(TimeSpan min, TimeSpan max)
{
    private int _attempt;

    public TimeSpan Next()
    {
        var factor = Math.Pow(2, Math.Min(_attempt++, 16));
        var ms = Math.Min(max.TotalMilliseconds, min.TotalMilliseconds * factor);
        return TimeSpan.FromMilliseconds(ms * (0.8 + Random.Shared.NextDouble() * 0.4));
    }

    public void Reset() => _attempt = 0;
}
