using System.Diagnostics;

namespace ImSignalR.Bench;

/// <summary>The server's CPU time, its metrics and the machine's load at one instant.</summary>
internal sealed record ServerSample(long Timestamp, TimeSpan ServerCpu, TimeSpan BenchCpu, int BenchGcs, MetricsText Metrics, string LoadAverageText)
{
    public static async Task<ServerSample> TakeAsync(IReadOnlyList<ServerProcess> servers, CancellationToken cancellationToken)
    {
        var cpu = TimeSpan.Zero;
        var text = new System.Text.StringBuilder();
        foreach (var server in servers)
        {
            cpu += server.CpuTime();
            text.Append(await server.MetricsAsync(cancellationToken).ConfigureAwait(false)).Append('\n');
        }
        using var self = Process.GetCurrentProcess();
        return new ServerSample(
            Stopwatch.GetTimestamp(),
            cpu,
            self.TotalProcessorTime,
            GC.CollectionCount(0) + GC.CollectionCount(1) + GC.CollectionCount(2),
            MetricsText.Parse(text.ToString()),
            LoadAverage());
    }

    /// <summary>The 1-, 5- and 15-minute load averages (/proc/loadavg).</summary>
    public static string LoadAverage() =>
        string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
}
