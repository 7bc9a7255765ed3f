namespace ImSignalR.Client.Reliability;

/// <summary>Exponential backoff with "equal jitter": half the step is fixed, half random, so retries
/// spread out (no reconnect storm after a node restart) yet never come back immediately.</summary>
internal static class Backoff
{
    public static TimeSpan Delay(int attempt, TimeSpan initial, TimeSpan maximum)
    {
        var exponent = Math.Min(attempt, 30);
        var step = Math.Min(maximum.TotalMilliseconds, initial.TotalMilliseconds * Math.Pow(2, exponent));
        return TimeSpan.FromMilliseconds(step / 2 + Random.Shared.NextDouble() * step / 2);
    }
}
