namespace ImSignalR.Bench;

/// <summary>Percentiles of end-to-end latencies, milliseconds (nearest rank over every sample).</summary>
internal sealed record LatencyStats(long Samples, double P50, double P95, double P99, double Max)
{
    public static LatencyStats From(List<double> samples)
    {
        if (samples.Count == 0)
        {
            return new LatencyStats(0, double.NaN, double.NaN, double.NaN, double.NaN);
        }
        samples.Sort();
        double At(double q) => samples[Math.Clamp((int)Math.Ceiling(q * samples.Count) - 1, 0, samples.Count - 1)];
        return new LatencyStats(samples.Count, At(0.50), At(0.95), At(0.99), samples[^1]);
    }
}
